/* container_field.h — a dataset container's fields for the filter
 * language (filter.h): what allocation filters and savings filters both
 * match, so `filter=namespace:"x"` selects the same containers in each. */
#ifndef KT_CONTAINER_FIELD_H
#define KT_CONTAINER_FIELD_H

#include "engine/filter.h"
#include "store/dataset.h"

typedef struct kt_container_ref {
    const kt_dataset *ds;
    uint32_t container;
} kt_container_ref;

/* A kt_filter_get over a kt_container_ref. */
const char *container_field(void *ctx, enum kt_field f, const char *key, int idx);

#endif
