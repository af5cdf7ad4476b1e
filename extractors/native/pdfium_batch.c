/* Batched PDFium reads for the PDF hot path (extractors/pdfium_native.py loads this).
 *
 * Calling PDFium from Python through ctypes costs ~0.3-0.6 us a call, and a table page makes a few
 * thousand (per character: text object, box, size, matrix; per path segment: point, type, close).
 * These loops make the same calls from C and write the answers into arrays the caller owns.
 * The PDFium functions come in as pointers (the ones pypdfium2's library exports), so this file
 * needs no PDFium headers, no libc and no linking: `cc -O2 -shared -fPIC` builds it
 * (scripts/build_native.sh). Without it the Python loops give the same answers, slower.
 */

#define OGI_BATCH_VERSION 1

typedef void *H;
typedef int (*int_of_char)(H, int);
typedef double (*double_of_char)(H, int);
typedef H (*ptr_of_char)(H, int);
typedef int (*write_of_char)(H, int, float *);
typedef int (*count_of)(H);
typedef H (*ptr_of_index)(H, int);
typedef int (*int_of)(H);
typedef int (*point_of)(H, float *, float *);

int ogi_batch_version(void) { return OGI_BATCH_VERSION; }

/* For each character idx[k]: its text object, IsGenerated, the nominal font size, its matrix
 * (FS_MATRIX: 6 floats) with the call's result, and its loose box (FS_RECTF: 4 floats) with the
 * call's result. ints: 3 per character (generated, matrix ok, box ok). */
void ogi_char_info(H tp, const int *idx, int m,
                   ptr_of_char text_object, int_of_char is_generated, double_of_char font_size,
                   write_of_char get_matrix, write_of_char loose_box,
                   H *objs, int *ints, double *nominal, float *mats, float *boxes) {
    for (int k = 0; k < m; k++) {
        int i = idx[k];
        objs[k] = text_object(tp, i);
        ints[3 * k] = is_generated(tp, i);
        nominal[k] = font_size(tp, i);
        ints[3 * k + 1] = get_matrix(tp, i, mats + 6 * k);
        ints[3 * k + 2] = loose_box(tp, i, boxes + 4 * k);
    }
}

typedef float (*float_of_char)(H, int);

/* fn(tp, i) of each character idx[k] (FPDFText_GetCharAngle). */
void ogi_char_floats(H tp, const int *idx, int m, float_of_char fn, float *out) {
    for (int k = 0; k < m; k++)
        out[k] = fn(tp, idx[k]);
}

/* Loose boxes of the characters idx (4 floats each) and each call's result. */
void ogi_char_boxes(H tp, const int *idx, int m, write_of_char loose_box, int *oks, float *boxes) {
    for (int k = 0; k < m; k++)
        oks[k] = loose_box(tp, idx[k], boxes + 4 * k);
}

/* A page's top-level objects (NULLs left out) and their types; returns how many were written
 * (at most cap). */
int ogi_page_objects(H page, int cap, count_of count_objects, ptr_of_index get_object, int_of get_type,
                     H *objs, int *types) {
    int n = count_objects(page), w = 0;
    for (int i = 0; i < n && w < cap; i++) {
        H obj = get_object(page, i);
        if (obj) {
            objs[w] = obj;
            types[w] = get_type(obj);
            w++;
        }
    }
    return w;
}

typedef int (*mode_of)(H, int *, int *);
typedef int (*color_of)(H, unsigned *, unsigned *, unsigned *, unsigned *);
typedef int (*matrix_of)(H, float *);

/* How many segments the path objects have in all. */
long ogi_count_segments(H *objs, int k, count_of count_segments) {
    long total = 0;
    for (int j = 0; j < k; j++) {
        int n = count_segments(objs[j]);
        if (n > 0)
            total += n;
    }
    return total;
}

/* Everything rules_of reads from k path objects, with the same calls in the same way as the
 * Python loop (a failed call leaves what the loop's reused variables held).
 * ints, 15 per object: draw mode, fill mode, stroke, stroke colour call result and r, g, b, a,
 * fill colour call result and r, g, b, a, matrix call result, segment count.
 * mats: 6 floats per object. Segments of all objects one after another (cap: room for them):
 * point (2 floats) and ints (type, close). Returns the segments written, -1 when cap is short. */
long ogi_paths(H *objs, int k, mode_of draw_mode, color_of stroke_color, color_of fill_color,
               matrix_of obj_matrix, count_of count_segments, ptr_of_index get_segment,
               point_of get_point, int_of seg_type, int_of seg_close,
               int *ints, float *mats, long cap, float *points, int *seg_ints) {
    int fill = 0, stroke = 0;
    unsigned r = 0, g = 0, b = 0, a = 0;
    long w = 0;
    for (int j = 0; j < k; j++) {
        H obj = objs[j];
        int *o = ints + 15 * j;
        o[0] = draw_mode(obj, &fill, &stroke);
        o[1] = fill;
        o[2] = stroke;
        o[3] = stroke_color(obj, &r, &g, &b, &a);
        o[4] = (int)r; o[5] = (int)g; o[6] = (int)b; o[7] = (int)a;
        o[8] = fill_color(obj, &r, &g, &b, &a);
        o[9] = (int)r; o[10] = (int)g; o[11] = (int)b; o[12] = (int)a;
        o[13] = obj_matrix(obj, mats + 6 * j);
        int n = count_segments(obj);
        if (n < 0)
            n = 0;  /* the loop's range() of it is empty */
        o[14] = n;
        float x = 0.0f, y = 0.0f;
        for (int i = 0; i < n; i++) {
            if (w >= cap)
                return -1;
            H seg = get_segment(obj, i);
            get_point(seg, &x, &y);
            points[2 * w] = x;
            points[2 * w + 1] = y;
            seg_ints[2 * w] = seg_type(seg);
            seg_ints[2 * w + 1] = seg_close(seg);
            w++;
        }
    }
    return w;
}
