// Header-only shim over htslib 1.16 (Debian libhts-dev): re-exports what Swift cannot import
// (function-like macros, macros that cast or touch unions, extern arrays). See HTSLIB_NOTES.md.
#ifndef ONCO_CHTSLIB_SHIM_H
#define ONCO_CHTSLIB_SHIM_H

#include <htslib/hts.h>
#include <htslib/hts_log.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include <htslib/bgzf.h>
#include <htslib/faidx.h>

static inline int chts_nsamples(const bcf_hdr_t *h) { return bcf_hdr_nsamples(h); }

#endif
