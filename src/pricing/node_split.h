/* node_split.h — splitting a node's hourly price into CPU, RAM and GPU rates.
 *
 * OpenCost's rule (DESIGN.md): with default rates d_cpu ($/core-h), d_ram
 * ($/GiB-h), d_gpu ($/GPU-h), r_cpu = d_cpu/d_ram, r_gpu = d_gpu/d_ram,
 *   ram  = hourly / (gpus·r_gpu + cores·r_cpu + ramGiB)
 *   cpu  = ram·r_cpu,  gpu = ram·r_gpu
 * so cores·cpu + ramGiB·ram + gpus·gpu == hourly exactly (up to rounding).
 * Capacity, not allocatable, is used. */
#ifndef KT_NODE_SPLIT_H
#define KT_NODE_SPLIT_H

#define KT_DEFAULT_CPU_HOURLY 0.031611 /* $/core-hour */
#define KT_DEFAULT_RAM_HOURLY 0.004237 /* $/GiB-hour */
#define KT_DEFAULT_GPU_HOURLY 0.95     /* $/GPU-hour */
#define KT_GIB 1073741824.0

typedef struct kt_rates {
    double cpu, ram, gpu; /* $/core-h, $/GiB-h, $/GPU-h */
} kt_rates;

/* The default rates above. */
kt_rates kt_default_rates(void);

/* Split `hourly` for a node of the given capacity using the ratios of
 * `defaults`.  A node with no capacity at all gets zero rates. */
kt_rates kt_split_node_price(double hourly, double cores, double ram_bytes, double gpus,
                             kt_rates defaults);

/* Hourly price of a node priced per resource (on-premises, unknown types). */
double kt_price_from_rates(kt_rates r, double cores, double ram_bytes, double gpus);

#endif
