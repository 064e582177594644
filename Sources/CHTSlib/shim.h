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
#include <strings.h>
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
/// become NaN (payload 0); a value written as `nan` in the file becomes NaN with payload 1, so callers
/// that must tell them apart can (`chts_nan_is_value`). Returns the number written, -1 for a string field.
static inline int chts_fmt_floats(const bcf_fmt_t *f, int s, double *out, int cap) {
    int n = f->n < cap ? f->n : cap, i;
    const uint8_t *p = f->p + (size_t)s * f->size;
    if (f->type == BCF_BT_FLOAT) {
        for (i = 0; i < n; i++) { float x; memcpy(&x, p + 4 * i, 4);
            if (bcf_float_is_vector_end(x)) break;
            out[i] = bcf_float_is_missing(x) ? __builtin_nan("") : x != x ? __builtin_nan("1") : (double)x; }
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
/// True for the NaN `chts_fmt_floats`/`chts_info_float` write for a value given as `nan` (not a missing one).
static inline int chts_nan_is_value(double x) {
    uint64_t b; memcpy(&b, &x, 8);
    return x != x && (b & 1) ? 1 : 0;
}

static inline double chts_info_float(const bcf_info_t *info, int i) {
    if (i >= info->len) return __builtin_nan("");
    if (info->type == BCF_BT_FLOAT) {
        float x; memcpy(&x, info->vptr + 4 * i, 4);
        return bcf_float_is_missing(x) || bcf_float_is_vector_end(x) ? __builtin_nan("") : x != x ? __builtin_nan("1") : (double)x;
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

/// What `chts_vcf_line_check` found wrong with a VCF text line (the first problem wins; the
/// column count, POS and QUAL are always reported).
enum {
    CHTS_LINE_OK = 0,
    CHTS_LINE_NUL,          // a NUL byte at `off` (in column `col`)
    CHTS_LINE_REF_EMPTY,
    CHTS_LINE_REF_BAD,      // REF [off, off+len) is not bases A, C, G, T, N
    CHTS_LINE_ALT_EMPTY,
    CHTS_LINE_ALT_BAD,      // ALT [off, off+len) holds an allele that is not one
    CHTS_LINE_TYPE,         // INFO/FORMAT value [off, off+len) of key [key_off, key_off+key_len) does not match its Type
    CHTS_LINE_RANGE,        // an Integer beyond htslib's 32-bit range (htslib would store it as missing)
    CHTS_LINE_COUNT,        // `found` values where the header's Number says `expected`
};

typedef struct {
    int cols;               // tab-separated columns
    int pos_bad, qual_bad;  // POS not a positive integer; QUAL neither "." nor a number
    int problem;            // CHTS_LINE_*
    int col;                // 1-based column of the problem (8 INFO, 10+ sample columns)
    int type;               // BCF_HT_INT or BCF_HT_REAL of the key
    int vl, number;         // its Number: BCF_VL_FIXED (then `number`), BCF_VL_A or BCF_VL_R
    int expected, found;    // value counts (CHTS_LINE_COUNT)
    size_t off, len;        // the offending value
    size_t key_off, key_len;
} chts_line_check_t;

static inline int chts_is_base(char c) {
    switch (c) {
    case 'A': case 'C': case 'G': case 'T': case 'N': case 'a': case 'c': case 'g': case 't': case 'n': return 1;
    default: return 0;
    }
}
static inline int chts_bases(const char *s, size_t n) {
    size_t i;
    if (n == 0) return 0;
    for (i = 0; i < n; i++) if (!chts_is_base(s[i])) return 0;
    return 1;
}
/// One ALT allele (VCF 4.3 1.6.1/5.4): bases, `*`, a symbolic `<ID>`, a breakend (`t[p[`, `t]p]`,
/// `]p]t`, `[p[t`, single `.t`/`t.`). A lone `.` is the caller's business (whole ALT column only).
static inline int chts_alt_allele_ok(const char *s, size_t n) {
    size_t i, j;
    if (n == 0) return 0;
    if (n == 1 && (s[0] == '*' || s[0] == 'X')) return 1; // X: samtools 0.1's <X> (no ALT seen)
    if (s[0] == '<') {
        if (n < 3 || s[n - 1] != '>') return 0;
        for (i = 1; i + 1 < n; i++) if (s[i] == '<' || s[i] == '>' || s[i] == ' ') return 0;
        return 1;
    }
    for (i = 0; i < n && s[i] != '[' && s[i] != ']'; i++) {}
    if (i < n) { // breakend: t[p[, t]p], ]p]t, [p[t
        char b = s[i];
        int colon = 0;
        for (j = i + 1; j < n && s[j] != b; j++) {
            if (s[j] == '[' || s[j] == ']') return 0;
            if (s[j] == ':') colon = 1;
        }
        if (j >= n || j == i + 1 || !colon) return 0;
        if (i == 0) return chts_bases(s + j + 1, n - j - 1);
        return j == n - 1 && chts_bases(s, i);
    }
    if (n > 1 && s[0] == '.') return chts_bases(s + 1, n - 1);
    if (n > 1 && s[n - 1] == '.') return chts_bases(s, n - 1);
    return chts_bases(s, n);
}
/// 1 when the ALT column is valid: `.` alone, or comma-separated alleles `chts_alt_allele_ok` accepts.
static inline int chts_alt_column_ok(const char *s, size_t n, int *n_alt) {
    size_t a = 0, i;
    *n_alt = 0;
    if (n == 1 && s[0] == '.') return 1;
    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == ',') {
            if (!chts_alt_allele_ok(s + a, i - a)) return 0;
            (*n_alt)++;
            a = i + 1;
        }
    }
    return 1;
}

/// 1 when [s, s+n) is a decimal number as C's strtod reads it (no hex): [+-] digits [. digits] [e[+-]digits],
/// or nan / inf / infinity in any case. Syntax only, no conversion (strtod is the slow part of a line).
static inline int chts_is_float(const char *s, size_t n) {
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (n - i == 3 && strncasecmp(s + i, "nan", 3) == 0) return 1;
    if (n - i == 3 && strncasecmp(s + i, "inf", 3) == 0) return 1;
    if (n - i == 8 && strncasecmp(s + i, "infinity", 8) == 0) return 1;
    while (i < n && s[i] >= '0' && s[i] <= '9') { i++; d++; }
    if (i < n && s[i] == '.') { i++; while (i < n && s[i] >= '0' && s[i] <= '9') { i++; d++; } }
    if (d == 0) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        d = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; d++; }
        if (d == 0) return 0;
    }
    return i == n;
}

/// Checks the comma-separated values [s, s+n) of a key of `type` (BCF_HT_INT/REAL) against its Type
/// and Number. Returns CHTS_LINE_OK or the problem (offending item in *off/*len, counts in *found).
static inline int chts_values_check(const char *s, size_t n, int type, int vl, int number, int n_alt, int wide,
                                    size_t *off, size_t *len, int *expected, int *found) {
    size_t a = 0, i, k;
    int count = 0;
    if (type != BCF_HT_INT && type != BCF_HT_REAL) return CHTS_LINE_OK;
    if (n == 1 && s[0] == '.') return CHTS_LINE_OK; // one missing value stands for all
    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != ',') continue;
        const char *v = s + a;
        size_t m = i - a;
        count++;
        *off = a; *len = m;
        if (!(m == 1 && v[0] == '.')) {
            if (type == BCF_HT_INT) {
                k = (m > 0 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
                if (k == m) return CHTS_LINE_TYPE;
                long long x = 0;
                for (; k < m; k++) {
                    if (v[k] < '0' || v[k] > '9') return CHTS_LINE_TYPE;
                    if (k > 19) return CHTS_LINE_RANGE;
                    if (x < 100000000000000000LL) x = x * 10 + (v[k] - '0'); else x = INT64_MAX;
                }
                if (v[0] == '-') x = -x;
                if (!wide && (x > BCF_MAX_BT_INT32 || x < BCF_MIN_BT_INT32)) return CHTS_LINE_RANGE;
                if (wide && (x >= (1LL << 62) || x < -(1LL << 62))) return CHTS_LINE_RANGE;
            } else {
                if (!chts_is_float(v, m)) return CHTS_LINE_TYPE;
            }
        }
        a = i + 1;
    }
    // Number=A/R of a record without ALT, Number=G and Number=. are not checked.
    int want = vl == BCF_VL_FIXED ? number : n_alt == 0 ? -1 : vl == BCF_VL_A ? n_alt : vl == BCF_VL_R ? n_alt + 1 : -1;
    if (want > 0 && count != want) {
        *off = 0; *len = n; *expected = want; *found = count;
        return CHTS_LINE_COUNT;
    }
    return CHTS_LINE_OK;
}

/// The declared Type/Number of the INFO and FORMAT keys seen so far, so that a line costs no hash
/// lookups once its keys are known (a file uses a handful). A declared key's definition never changes;
/// an undeclared one is remembered as such (htslib then adds it as a String).
#define CHTS_KEY_CACHE 64
#define CHTS_FMT_KEYS 32
typedef struct {
    int n, next; // entries; where the next search starts (lines repeat their keys in order)
    struct { char key[24]; unsigned char len, hl; signed char declared; int type, vl, number; } e[CHTS_KEY_CACHE];
} chts_key_cache_t;

/// Looks up an INFO (hl = BCF_HL_INFO) or FORMAT (BCF_HL_FMT) key of [s, s+n): its Type, Number class
/// and Number; 0 when the key is not declared or too long.
static inline int chts_key_lookup(const bcf_hdr_t *h, chts_key_cache_t *kc, int hl, const char *s, size_t n,
                                  int *type, int *vl, int *number) {
    char key[256];
    int i;
    if (n == 0 || n >= sizeof key) return 0;
    if (kc && n < sizeof kc->e[0].key) {
        int k;
        for (k = 0, i = kc->next; k < kc->n; k++, i = i + 1 == kc->n ? 0 : i + 1) {
            if (kc->e[i].len == n && kc->e[i].key[0] == s[0] && kc->e[i].hl == hl && memcmp(kc->e[i].key, s, n) == 0) {
                *type = kc->e[i].type; *vl = kc->e[i].vl; *number = kc->e[i].number;
                kc->next = i + 1 == kc->n ? 0 : i + 1;
                return kc->e[i].declared;
            }
        }
    }
    memcpy(key, s, n); key[n] = 0;
    int id = bcf_hdr_id2int(h, BCF_DT_ID, key), declared = id >= 0 && bcf_hdr_idinfo_exists(h, hl, id);
    *type = declared ? bcf_hdr_id2type(h, hl, id) : BCF_HT_STR;
    *vl = declared ? bcf_hdr_id2length(h, hl, id) : BCF_VL_VAR;
    *number = declared ? bcf_hdr_id2number(h, hl, id) : 0;
    if (kc && n < sizeof kc->e[0].key && kc->n < CHTS_KEY_CACHE) {
        i = kc->n++;
        memcpy(kc->e[i].key, s, n); kc->e[i].len = (unsigned char)n; kc->e[i].hl = (unsigned char)hl;
        kc->e[i].declared = (signed char)declared; kc->e[i].type = *type; kc->e[i].vl = *vl; kc->e[i].number = *number;
    }
    return declared;
}

/// Checks a VCF text line before vcf_parse tokenises it: what htslib 1.16 accepts silently or turns
/// into something else. vcf_parse accepts short lines, POS "12x4" and QUAL "q"; keeps REF "A!Z" and
/// ALT "C!T" as alleles; reads an empty ALT as "."; stops at a NUL byte; stores INFO Integer "abc" and
/// FORMAT values beyond 32 bits as missing, INFO "12abc" as 12; pads or keeps value lists whose
/// length contradicts the header's Number. With `h` NULL, only the columns, POS, QUAL, REF, ALT and
/// NUL bytes are checked.
///
/// One pass over the line: tabs are found with memchr, NUL bytes with strlen (the kstring is
/// NUL-terminated at `l`), INFO keys are skipped with memchr and only Integer/Float values are read.
static inline void chts_vcf_line_check(const char *s, size_t l, const bcf_hdr_t *h, chts_key_cache_t *kc, chts_line_check_t *c) {
    size_t start = 0;
    int n_alt = 0, nfk = 0;
    struct { size_t off, len; int type, vl, number; } fk[CHTS_FMT_KEYS]; // FORMAT keys (more are not checked)
    memset(c, 0, sizeof *c);
    if (l == 0) return;
    size_t z = strlen(s);
    if (z < l) { c->problem = CHTS_LINE_NUL; c->off = z; }
    for (;;) {
        // The field is s[start, end) (memchr: the long INFO column is skipped at SIMD speed).
        const char *tab = (const char *)memchr(s + start, '\t', l - start);
        size_t end = tab ? (size_t)(tab - s) : l, n = end - start;
        const char *f = s + start;
        c->cols++;
        if (c->problem == CHTS_LINE_NUL) {
            if (z >= start && z <= end && c->col == 0) c->col = c->cols;
        } else if (c->cols == 2) { // POS
            size_t k;
            if (n == 0) c->pos_bad = 1;
            for (k = 0; k < n; k++) if (f[k] < '0' || f[k] > '9') { c->pos_bad = 1; break; }
        } else if (c->cols == 4) { // REF
            if (n == 0) { c->problem = CHTS_LINE_REF_EMPTY; c->col = 4; }
            else if (!chts_bases(f, n)) { c->problem = CHTS_LINE_REF_BAD; c->col = 4; c->off = start; c->len = n; }
        } else if (c->cols == 5 && c->problem == CHTS_LINE_OK) { // ALT
            if (n == 0) { c->problem = CHTS_LINE_ALT_EMPTY; c->col = 5; }
            else if (!chts_alt_column_ok(f, n, &n_alt)) { c->problem = CHTS_LINE_ALT_BAD; c->col = 5; c->off = start; c->len = n; }
        } else if (c->cols == 6 && !(n == 1 && f[0] == '.')) { // QUAL
            if (!chts_is_float(f, n)) c->qual_bad = 1;
        } else if (c->cols == 8 && h && c->problem == CHTS_LINE_OK && !(n == 1 && f[0] == '.')) { // INFO
            size_t a = 0;
            while (a < n && c->problem == CHTS_LINE_OK) {
                const char *semi = (const char *)memchr(f + a, ';', n - a);
                size_t b = semi ? (size_t)(semi - f) : n;
                const char *eq = (const char *)memchr(f + a, '=', b - a);
                int type, vl, number;
                if (eq && chts_key_lookup(h, kc, BCF_HL_INFO, f + a, (size_t)(eq - f) - a, &type, &vl, &number)) {
                    size_t v = (size_t)(eq - f) + 1, off = 0, len = 0;
                    size_t kl = (size_t)(eq - f) - a;
                    int wide = kl == 3 && memcmp(f + a, "END", 3) == 0; // htslib keeps INFO/END as 64 bits
                    c->problem = chts_values_check(f + v, b - v, type, vl, number, n_alt, wide, &off, &len, &c->expected, &c->found);
                    if (c->problem) {
                        c->col = 8; c->type = type; c->vl = vl; c->number = number;
                        c->off = start + v + off; c->len = len; c->key_off = start + a; c->key_len = (size_t)(eq - f) - a;
                    }
                }
                a = b + 1;
            }
        } else if (c->cols == 9 && h && !(n == 1 && f[0] == '.')) { // FORMAT: its keys, looked up once per line
            size_t ka = 0, kb;
            while (nfk < CHTS_FMT_KEYS) {
                for (kb = ka; kb < n && f[kb] != ':'; kb++) {}
                fk[nfk].off = start + ka; fk[nfk].len = kb - ka; fk[nfk].type = BCF_HT_STR;
                chts_key_lookup(h, kc, BCF_HL_FMT, f + ka, kb - ka, &fk[nfk].type, &fk[nfk].vl, &fk[nfk].number);
                nfk++;
                if (kb >= n) break;
                ka = kb + 1;
            }
        } else if (c->cols >= 10 && nfk > 0 && c->problem == CHTS_LINE_OK) { // a sample column against FORMAT
            size_t a = 0, b;
            int k;
            // Fewer values than keys: the rest are missing (VCF 4.3 1.6.2); more: htslib refuses the line.
            for (k = 0; k < nfk; k++) {
                for (b = a; b < n && f[b] != ':'; b++) {}
                if (fk[k].type == BCF_HT_INT || fk[k].type == BCF_HT_REAL) {
                    size_t off = 0, len = 0;
                    c->problem = chts_values_check(f + a, b - a, fk[k].type, fk[k].vl, fk[k].number, n_alt, 0, &off, &len,
                                                   &c->expected, &c->found);
                    if (c->problem) {
                        c->col = c->cols; c->type = fk[k].type; c->vl = fk[k].vl; c->number = fk[k].number;
                        c->off = start + a + off; c->len = len; c->key_off = fk[k].off; c->key_len = fk[k].len;
                        break;
                    }
                }
                if (b >= n) break;
                a = b + 1;
            }
        }
        if (end >= l) break;
        start = end + 1;
        if (start >= l) { c->cols++; break; } // a trailing separator opens an empty last column
    }
}

/// Checks the alleles of a decoded record (BCF: the text checks never see them). Returns
/// CHTS_LINE_OK, CHTS_LINE_REF_EMPTY, CHTS_LINE_REF_BAD or CHTS_LINE_ALT_BAD (allele index in *which).
static inline int chts_record_alleles_check(const bcf1_t *v, int *which) {
    int i;
    *which = 0;
    if (v->n_allele < 1 || !v->d.allele) return CHTS_LINE_REF_EMPTY;
    const char *ref = v->d.allele[0];
    if (!ref || !*ref) return CHTS_LINE_REF_EMPTY;
    if (!chts_bases(ref, strlen(ref))) return CHTS_LINE_REF_BAD;
    for (i = 1; i < v->n_allele; i++) {
        const char *a = v->d.allele[i];
        size_t n = a ? strlen(a) : 0;
        if (n == 1 && a[0] == '.' && v->n_allele == 2) continue;
        if (!chts_alt_allele_ok(a, n)) { *which = i; return n == 0 ? CHTS_LINE_ALT_EMPTY : CHTS_LINE_ALT_BAD; }
    }
    return CHTS_LINE_OK;
}

/// The end of the coordinate range an index covers, 1 << (min_shift + 3 * levels): 2^29 for TBI; a CSI file
/// states its min_shift and levels in its header, read here from `csi_path` (htslib has no getter). 0 when
/// unknown. htslib 1.16's `hts_itr_query` asks for an ~8 GiB allocation for a query that starts at or past
/// this limit (`reg2bins` clamps the end to it, not the start), so callers must not make one.
static inline int64_t chts_index_limit(hts_idx_t *idx, const char *csi_path) {
    if (hts_idx_fmt(idx) == HTS_FMT_TBI) return (int64_t)1 << 29;
    if (hts_idx_fmt(idx) != HTS_FMT_CSI) return 0;
    BGZF *fp = bgzf_open(csi_path, "r");
    if (!fp) return 0;
    uint8_t h[12];
    ssize_t n = bgzf_read(fp, h, sizeof h);
    bgzf_close(fp);
    if (n != (ssize_t)sizeof h || memcmp(h, "CSI\1", 4) != 0) return 0;
    uint32_t shift = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
    uint32_t levels = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16 | (uint32_t)h[11] << 24;
    if (shift > 62 || levels > 20 || shift + 3 * levels > 62) return 0;
    return (int64_t)1 << (shift + 3 * levels);
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
