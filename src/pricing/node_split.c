/* node_split.c — see node_split.h. */
#include "pricing/node_split.h"

kt_rates kt_default_rates(void)
{
    return (kt_rates){KT_DEFAULT_CPU_HOURLY, KT_DEFAULT_RAM_HOURLY, KT_DEFAULT_GPU_HOURLY};
}

kt_rates kt_split_node_price(double hourly, double cores, double ram_bytes, double gpus, kt_rates d)
{
    kt_rates r = {0, 0, 0};
    if (d.ram <= 0)
        return r;
    double r_cpu = d.cpu / d.ram, r_gpu = d.gpu / d.ram;
    double denom = gpus * r_gpu + cores * r_cpu + ram_bytes / KT_GIB;
    if (denom <= 0)
        return r;
    r.ram = hourly / denom;
    r.cpu = r.ram * r_cpu;
    r.gpu = r.ram * r_gpu;
    return r;
}

double kt_price_from_rates(kt_rates r, double cores, double ram_bytes, double gpus)
{
    return cores * r.cpu + ram_bytes / KT_GIB * r.ram + gpus * r.gpu;
}
