// Header-only shim over htslib 1.16 (Debian libhts-dev): re-exports what Swift cannot import
// (function-like macros, macros that cast or touch unions, extern arrays). See HTSLIB_NOTES.md.
// Everything here is `static inline` (or a `static const`): no C target, nothing to link but libhts.
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
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

// ---------------------------------------------------------------------------------------------
// VCF/BCF header

static inline int chts_nsamples(const bcf_hdr_t *h) { return bcf_hdr_nsamples(h); }

static const int CHTS_UN_STR = BCF_UN_STR;
static const int CHTS_UN_SHR = BCF_UN_SHR;
static const int CHTS_UN_ALL = BCF_UN_ALL;

/// 1 when tag `id` (from bcf_hdr_id2int(h, BCF_DT_ID, key)) is defined for line type `hl`
/// (BCF_HL_INFO or BCF_HL_FMT).
static inline int chts_hdr_defined(const bcf_hdr_t *h, int hl, int id) {
    return bcf_hdr_idinfo_exists(h, hl, id) ? 1 : 0;
}
/// BCF_HT_* type of a defined tag.
static inline int chts_hdr_type(const bcf_hdr_t *h, int hl, int id) { return (int)bcf_hdr_id2type(h, hl, id); }
/// BCF_VL_* length class (FIXED, VAR, A, G, R) of a defined tag.
static inline int chts_hdr_length(const bcf_hdr_t *h, int hl, int id) { return (int)bcf_hdr_id2length(h, hl, id); }
/// Fixed Number= of a defined tag.
static inline int chts_hdr_number(const bcf_hdr_t *h, int hl, int id) { return (int)bcf_hdr_id2number(h, hl, id); }
/// The header record (`##INFO=<...>`) of a defined tag, for its Description.
static inline bcf_hrec_t *chts_hdr_hrec(const bcf_hdr_t *h, int hl, int id) {
    return bcf_hdr_id2hrec(h, BCF_DT_ID, hl, id);
}
/// Name of the i-th sample.
static inline const char *chts_sample_name(const bcf_hdr_t *h, int i) { return h->samples[i]; }
/// The name of dictionary id `id` (INFO/FORMAT/FILTER key).
static inline const char *chts_hdr_id_name(const bcf_hdr_t *h, int id) { return bcf_hdr_int2id(h, BCF_DT_ID, id); }
/// Contig name of a record.
static inline const char *chts_record_contig(const bcf_hdr_t *h, const bcf1_t *v) { return bcf_seqname(h, v); }

// ---------------------------------------------------------------------------------------------
// Record values, read straight from htslib's decoded buffers (what bcftools query does): no
// per-call tag-name lookup, no realloc of a caller buffer.

static const int32_t CHTS_INT32_MISSING = bcf_int32_missing;
static const int32_t CHTS_INT32_VECTOR_END = bcf_int32_vector_end;

static inline int chts_float_missing(float f) { return bcf_float_is_missing(f) ? 1 : 0; }
static inline int chts_float_vector_end(float f) { return bcf_float_is_vector_end(f) ? 1 : 0; }

/// Copies sample `s`'s integer values of a FORMAT field into `out` (at most `cap`), stopping at the
/// vector end. Missing values become CHTS_INT32_MISSING. Returns the number written, -1 for a type
/// that is not an integer.
static inline int chts_fmt_ints(const bcf_fmt_t *f, int s, int32_t *out, int cap) {
    int n = f->n < cap ? f->n : cap, i;
    const uint8_t *p = f->p + (size_t)s * f->size;
    switch (f->type) {
    case BCF_BT_INT8:
        for (i = 0; i < n; i++) { int8_t x = ((const int8_t *)p)[i];
            if (x == bcf_int8_vector_end) break; out[i] = x == bcf_int8_missing ? bcf_int32_missing : x; }
        return i;
    case BCF_BT_INT16:
        for (i = 0; i < n; i++) { int16_t x; memcpy(&x, p + 2 * i, 2);
            if (x == bcf_int16_vector_end) break; out[i] = x == bcf_int16_missing ? bcf_int32_missing : x; }
        return i;
    case BCF_BT_INT32:
        for (i = 0; i < n; i++) { int32_t x; memcpy(&x, p + 4 * i, 4);
            if (x == bcf_int32_vector_end) break; out[i] = x; }
        return i;
    default: return -1;
    }
}

/// Copies sample `s`'s float values of a FORMAT field (integers are converted). Missing values
/// become NaN. Returns the number written, -1 for a string field.
static inline int chts_fmt_floats(const bcf_fmt_t *f, int s, double *out, int cap) {
    int n = f->n < cap ? f->n : cap, i;
    const uint8_t *p = f->p + (size_t)s * f->size;
    if (f->type == BCF_BT_FLOAT) {
        for (i = 0; i < n; i++) { float x; memcpy(&x, p + 4 * i, 4);
            if (bcf_float_is_vector_end(x)) break; out[i] = bcf_float_is_missing(x) ? __builtin_nan("") : (double)x; }
        return i;
    }
    int32_t tmp[64];
    if (n > 64) n = 64;
    int k = chts_fmt_ints(f, s, tmp, n);
    for (i = 0; i < k; i++) out[i] = tmp[i] == bcf_int32_missing ? __builtin_nan("") : (double)tmp[i];
    return k;
}

/// Pointer to sample `s`'s bytes of a FORMAT field (strings: `size` bytes, NUL-padded).
static inline const char *chts_fmt_bytes(const bcf_fmt_t *f, int s, int *len) {
    *len = f->size;
    return (const char *)(f->p + (size_t)s * f->size);
}

/// Decodes the genotype of sample `s`: allele indices into `out` (-1 for missing), returns ploidy;
/// `*phased` is set when every allele after the first is phased.
static inline int chts_fmt_gt(const bcf_fmt_t *f, int s, int32_t *out, int cap, int *phased) {
    int32_t raw[16];
    int n = chts_fmt_ints(f, s, raw, cap < 16 ? cap : 16), i, ph = n > 1;
    for (i = 0; i < n; i++) {
        int32_t v = raw[i];
        if (v == bcf_int32_missing) { out[i] = -1; continue; }
        out[i] = bcf_gt_is_missing(v) ? -1 : bcf_gt_allele(v);
        if (i > 0 && !bcf_gt_is_phased(v)) ph = 0;
    }
    *phased = ph;
    return n;
}

/// Integer i of an INFO field, or CHTS_INT32_MISSING.
static inline int32_t chts_info_int(const bcf_info_t *info, int i) {
    if (i >= info->len) return bcf_int32_missing;
    switch (info->type) {
    case BCF_BT_INT8: { int8_t x = ((const int8_t *)info->vptr)[i];
        return x == bcf_int8_missing || x == bcf_int8_vector_end ? bcf_int32_missing : x; }
    case BCF_BT_INT16: { int16_t x; memcpy(&x, info->vptr + 2 * i, 2);
        return x == bcf_int16_missing || x == bcf_int16_vector_end ? bcf_int32_missing : x; }
    case BCF_BT_INT32: { int32_t x; memcpy(&x, info->vptr + 4 * i, 4);
        return x == bcf_int32_vector_end ? bcf_int32_missing : x; }
    default: return bcf_int32_missing;
    }
}
/// Float i of an INFO field (integers converted), NaN when missing.
static inline double chts_info_float(const bcf_info_t *info, int i) {
    if (i >= info->len) return __builtin_nan("");
    if (info->type == BCF_BT_FLOAT) {
        float x; memcpy(&x, info->vptr + 4 * i, 4);
        return bcf_float_is_missing(x) || bcf_float_is_vector_end(x) ? __builtin_nan("") : (double)x;
    }
    int32_t v = chts_info_int(info, i);
    return v == bcf_int32_missing ? __builtin_nan("") : (double)v;
}
static inline int chts_info_is_string(const bcf_info_t *info) { return info->type == BCF_BT_CHAR; }
static inline int chts_info_is_flag(const bcf_info_t *info) { return info->len == 0 || info->type == BCF_BT_NULL; }

// ---------------------------------------------------------------------------------------------
// Files, indexes and region iterators (the query/next macros cast function pointers or touch the
// htsFile union).

static inline int chts_is_bcf(htsFile *fp) { return hts_get_format(fp)->format == bcf; }
static inline int chts_is_vcf(htsFile *fp) { return hts_get_format(fp)->format == vcf; }
static inline int chts_is_sam_family(htsFile *fp) {
    enum htsExactFormat f = hts_get_format(fp)->format;
    return f == bam || f == cram || f == sam;
}
static inline int chts_is_cram(htsFile *fp) { return hts_get_format(fp)->format == cram; }
/// 0 none, 1 gzip (not BGZF), 2 BGZF, 3 other.
static inline int chts_compression(htsFile *fp) {
    switch (hts_get_format(fp)->compression) {
    case no_compression: return 0;
    case gzip: return 1;
    case bgzf: return 2;
    default: return 3;
    }
}
/// The BGZF handle of a VCF.gz/BCF/BAM file (NULL for uncompressed text).
static inline BGZF *chts_bgzf(htsFile *fp) { return fp->is_bgzf ? fp->fp.bgzf : NULL; }
/// The text line htslib last read (valid after vcf_read, also when parsing failed).
static inline kstring_t *chts_line(htsFile *fp) { return &fp->line; }
/// BGZF error flags (BGZF_ERR_*), 0 when fine or not BGZF.
static inline int chts_bgzf_errcode(htsFile *fp) { return fp->is_bgzf && fp->fp.bgzf ? fp->fp.bgzf->errcode : 0; }

/// Checks the columns of a VCF text line before vcf_parse tokenises it (vcf_parse accepts short
/// lines, POS "12x4" and QUAL "q" silently). Returns the number of tab-separated columns; sets
/// *pos_bad when POS is not a positive integer and *qual_bad when QUAL is neither "." nor a number.
static inline int chts_vcf_line_check(const char *s, size_t l, int *pos_bad, int *qual_bad) {
    int cols = 0;
    size_t start = 0;
    *pos_bad = 0; *qual_bad = 0;
    if (l == 0) return 0;
    for (;;) {
        // The field is s[start, end) (memchr: the long INFO column is skipped at SIMD speed).
        const char *tab = (const char *)memchr(s + start, '\t', l - start);
        size_t end = tab ? (size_t)(tab - s) : l;
        cols++;
        if (cols == 2) { // POS
            size_t k;
            if (end == start) *pos_bad = 1;
            for (k = start; k < end; k++) if (s[k] < '0' || s[k] > '9') { *pos_bad = 1; break; }
        } else if (cols == 6 && !(end == start + 1 && s[start] == '.')) { // QUAL
            char buf[64]; size_t n = end - start;
            if (n == 0 || n >= sizeof buf) *qual_bad = 1;
            else { char *e; memcpy(buf, s + start, n); buf[n] = 0; strtod(buf, &e); if (*e != 0) *qual_bad = 1; }
        }
        if (end >= l) break;
        start = end + 1;
        if (start >= l) { cols++; break; } // a trailing separator opens an empty last column
    }
    return cols;
}

static inline hts_itr_t *chts_tbx_itr_queryi(tbx_t *tbx, int tid, hts_pos_t beg, hts_pos_t end) {
    return tbx_itr_queryi(tbx, tid, beg, end);
}
static inline int chts_tbx_itr_next(htsFile *fp, tbx_t *tbx, hts_itr_t *itr, kstring_t *s) {
    return tbx_itr_next(fp, tbx, itr, s);
}
static inline hts_itr_t *chts_bcf_itr_queryi(const hts_idx_t *idx, int tid, hts_pos_t beg, hts_pos_t end) {
    return bcf_itr_queryi(idx, tid, beg, end);
}
static inline int chts_bcf_itr_next(htsFile *fp, hts_itr_t *itr, bcf1_t *r) { return bcf_itr_next(fp, itr, r); }
static inline hts_idx_t *chts_tbx_idx(tbx_t *tbx) { return tbx->idx; }

// ---------------------------------------------------------------------------------------------
// BAM/CRAM

static inline uint32_t *chts_bam_cigar(const bam1_t *b) { return bam_get_cigar(b); }
/// The base at query position `qpos` as an upper-case IUPAC letter ('=' for a match code).
static inline char chts_bam_base(const bam1_t *b, int qpos) {
    return seq_nt16_str[bam_seqi(bam_get_seq(b), qpos)];
}
static inline int chts_bam_qual(const bam1_t *b, int qpos) {
    return qpos < b->core.l_qseq ? bam_get_qual(b)[qpos] : 0;
}
static inline int chts_cigar_op(uint32_t c) { return bam_cigar_op(c); }
static inline int chts_cigar_len(uint32_t c) { return bam_cigar_oplen(c); }
/// bam_cigar_type: bit 1 consumes query, bit 2 consumes reference.
static inline int chts_cigar_type(uint32_t c) { return bam_cigar_type(bam_cigar_op(c)); }

/// The read source and filter of a pileup, mirroring samtools mpileup's `mplp_func` (1.16):
/// unmapped reads and reads with any of `flag_filter` are skipped, as are reads below `min_mq` and,
/// unless `count_orphans`, paired reads that are not properly paired.
typedef struct {
    htsFile *fp;
    hts_itr_t *itr;
    int min_mq;
    int flag_filter;
    int count_orphans;
    int status;        // last sam_itr_next status (< -1: read error)
} chts_plp_source;

static inline int chts_plp_read(void *data, bam1_t *b) {
    chts_plp_source *s = (chts_plp_source *)data;
    for (;;) {
        int ret = sam_itr_next(s->fp, s->itr, b);
        s->status = ret;
        if (ret < 0) return ret;
        if (b->core.tid < 0 || (b->core.flag & BAM_FUNMAP)) continue;
        if (b->core.flag & s->flag_filter) continue;
        if (b->core.qual < s->min_mq) continue;
        if (!s->count_orphans && (b->core.flag & BAM_FPAIRED) && !(b->core.flag & BAM_FPROPER_PAIR)) continue;
        return ret;
    }
}
/// A one-file multi-pileup (samtools mpileup uses bam_mplp; only it offers overlap detection).
static inline bam_mplp_t chts_mplp_init1(chts_plp_source *s) {
    void *data[1];
    data[0] = s;
    return bam_mplp_init(1, chts_plp_read, data);
}
/// Next pileup position of a one-file multi-pileup: 1 with a position, 0 at the end, < 0 on error.
static inline int chts_mplp_next1(bam_mplp_t it, int *tid, hts_pos_t *pos, int *n, const bam_pileup1_t **plp) {
    return bam_mplp64_auto(it, tid, pos, n, plp);
}

static const int CHTS_DEFAULT_FLAG_FILTER = BAM_FUNMAP | BAM_FSECONDARY | BAM_FQCFAIL | BAM_FDUP;

#endif
