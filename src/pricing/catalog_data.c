/* catalog_data.c — data/{aws,gcp,azure}.prices embedded in the binary.
 *
 * .incbin paths are relative to the directory the compiler runs in, which is
 * the repository root for every Makefile target; the Makefile makes this
 * object depend on the data files so editing them rebuilds it. */
#include "pricing/catalog_data.h"

#define KT_EMBED(sym, path)                                                                          \
    __asm__(".section .rodata\n.balign 16\n.global " #sym "_start\n" #sym "_start:\n.incbin \"" path \
            "\"\n.global " #sym "_end\n" #sym "_end:\n.byte 0\n.previous\n");                         \
    extern const char sym##_start[], sym##_end[];

KT_EMBED(kt_cat_aws, "data/aws.prices")
KT_EMBED(kt_cat_gcp, "data/gcp.prices")
KT_EMBED(kt_cat_azure, "data/azure.prices")

size_t catalog_builtin_files(kt_builtin_file out[KT_BUILTIN_FILES])
{
    out[0] = (kt_builtin_file){"data/aws.prices", kt_cat_aws_start, (size_t)(kt_cat_aws_end - kt_cat_aws_start)};
    out[1] = (kt_builtin_file){"data/gcp.prices", kt_cat_gcp_start, (size_t)(kt_cat_gcp_end - kt_cat_gcp_start)};
    out[2] = (kt_builtin_file){"data/azure.prices", kt_cat_azure_start,
                               (size_t)(kt_cat_azure_end - kt_cat_azure_start)};
    return KT_BUILTIN_FILES;
}
