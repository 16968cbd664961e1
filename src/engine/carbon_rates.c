/* carbon_rates.c — see carbon_rates.h. */
#include <assert.h>
#include <stdlib.h>

#include "engine/carbon_rates.h"
#include "pricing/carbon.h"
#include "util/buf.h"

#define STR(ds, id) strtab_get(&(ds)->strs, (id))

double carbon_nfact_kg(const kt_carbon_rates *r, const ds_node_fact *f)
{
    return r->node_kg_h[f->node] * f->hours;
}

double carbon_vfact_kg(const kt_dataset *ds, const ds_volume_fact *f)
{
    const ds_volume *v = &ds->volumes[f->volume];
    const ds_cluster *c = &ds->clusters[v->cluster];
    return carbon_disk_kg(STR(ds, c->provider), STR(ds, c->region), STR(ds, v->storage_class), f->hours * f->bytes);
}

double carbon_netfact_kg(const kt_dataset *ds, const ds_network_fact *f)
{
    const ds_cluster *c = &ds->clusters[ds->pods[f->pod].cluster];
    return carbon_network_kg(STR(ds, c->provider), STR(ds, c->region), f->tx_internet + f->tx_region + f->tx_zone + f->tx_other);
}

double *carbon_node_kg_h(const kt_dataset *ds)
{
    double *kg = xcalloc(ds->n_nodes + 1, sizeof *kg);
    for (size_t n = 0; n < ds->n_nodes; n++) {
        const ds_node *x = &ds->nodes[n];
        kg[n] = carbon_node_kg_per_hour(STR(ds, x->provider), STR(ds, x->region), STR(ds, x->instance_type),
                                        x->cpu_cores);
    }
    return kg;
}

/* Every volume and network fact's kg, each volume's and cluster's factors
 * looked up once (by name, which a query over many days would otherwise do
 * per fact and per step); the same numbers as carbon_vfact_kg and
 * carbon_netfact_kg, bit for bit. */
static void fact_kgs(const kt_dataset *ds, kt_carbon_rates *r)
{
    kt_carbon_factors *vf = xcalloc(ds->n_volumes + 1, sizeof *vf), *cf = xcalloc(ds->n_clusters + 1, sizeof *cf);
    for (size_t v = 0; v < ds->n_volumes; v++) {
        const ds_cluster *c = &ds->clusters[ds->volumes[v].cluster];
        carbon_disk_factors(STR(ds, c->provider), STR(ds, c->region), STR(ds, ds->volumes[v].storage_class), &vf[v]);
    }
    for (size_t c = 0; c < ds->n_clusters; c++)
        carbon_network_factors(STR(ds, ds->clusters[c].provider), STR(ds, ds->clusters[c].region), &cf[c]);
    r->vfact_kg = xcalloc(ds->n_vfacts + 1, sizeof *r->vfact_kg);
    r->netfact_kg = xcalloc(ds->n_netfacts + 1, sizeof *r->netfact_kg);
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        const ds_volume_fact *f = &ds->vfacts[i];
        r->vfact_kg[i] = carbon_disk_kg_of(&vf[f->volume], f->hours * f->bytes);
    }
    for (size_t i = 0; i < ds->n_netfacts; i++) {
        const ds_network_fact *f = &ds->netfacts[i];
        r->netfact_kg[i] = carbon_network_kg_of(&cf[ds->pods[f->pod].cluster], f->tx_internet + f->tx_region + f->tx_zone);
    }
    free(vf), free(cf);
}

void carbon_rates_build(const kt_dataset *ds, kt_carbon_rates *r)
{
    assert(ds && r);
    r->node_kg_h = carbon_node_kg_h(ds);
    r->node_per_cost = xcalloc(ds->n_nodes + 1, sizeof *r->node_per_cost);
    r->cl_per_cost = xcalloc(ds->n_clusters + 1, sizeof *r->cl_per_cost);
    r->vol_per_cost = xcalloc(ds->n_volumes + 1, sizeof *r->vol_per_cost);
    double *node_cost = xcalloc(ds->n_nodes + 1, sizeof *node_cost);
    double *cl_kg = xcalloc(ds->n_clusters + 1, sizeof *cl_kg), *cl_cost = xcalloc(ds->n_clusters + 1, sizeof *cl_cost);
    double *vol_cost = xcalloc(ds->n_volumes + 1, sizeof *vol_cost);
    for (size_t i = 0; i < ds->n_nfacts; i++) {
        const ds_node_fact *f = &ds->nfacts[i];
        double cost = f->cost[R_CPU] + f->cost[R_RAM] + f->cost[R_GPU], kg = carbon_nfact_kg(r, f);
        node_cost[f->node] += cost;
        r->node_per_cost[f->node] += kg; /* kg for now; divided below */
        cl_kg[ds->nodes[f->node].cluster] += kg, cl_cost[ds->nodes[f->node].cluster] += cost;
    }
    for (size_t n = 0; n < ds->n_nodes; n++)
        r->node_per_cost[n] = node_cost[n] > 0 ? r->node_per_cost[n] / node_cost[n] : 0;
    for (size_t c = 0; c < ds->n_clusters; c++)
        r->cl_per_cost[c] = cl_cost[c] > 0 ? cl_kg[c] / cl_cost[c] : 0;
    fact_kgs(ds, r);
    for (size_t i = 0; i < ds->n_vfacts; i++) {
        vol_cost[ds->vfacts[i].volume] += ds->vfacts[i].cost;
        r->vol_per_cost[ds->vfacts[i].volume] += r->vfact_kg[i];
    }
    for (size_t v = 0; v < ds->n_volumes; v++)
        r->vol_per_cost[v] = vol_cost[v] > 0 ? r->vol_per_cost[v] / vol_cost[v] : 0;
    free(node_cost), free(cl_kg), free(cl_cost), free(vol_cost);
}

double carbon_pod_node_rate(const kt_dataset *ds, const kt_carbon_rates *r, uint32_t pod, int by_cluster)
{
    const ds_pod *p = &ds->pods[pod];
    if (by_cluster)
        return r->cl_per_cost[p->cluster];
    return p->node == KT_NONE ? 0 : r->node_per_cost[p->node];
}

void carbon_rates_free(kt_carbon_rates *r)
{
    free(r->node_kg_h), free(r->node_per_cost), free(r->cl_per_cost), free(r->vol_per_cost);
    free(r->vfact_kg), free(r->netfact_kg);
}
