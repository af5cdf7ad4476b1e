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

/* The segments of a path object: point (2 floats), type, close flag, and the point call's
 * result, for at most cap segments; returns the segment count (-1: a segment handle was NULL). */
int ogi_path_segments(H path, int cap, count_of count_segments, ptr_of_index get_segment,
                      point_of get_point, int_of get_type, int_of get_close,
                      float *points, int *ints) {
    int n = count_segments(path);
    for (int i = 0; i < n && i < cap; i++) {
        H seg = get_segment(path, i);
        if (!seg)
            return -1;
        ints[3 * i] = get_point(seg, points + 2 * i, points + 2 * i + 1);
        ints[3 * i + 1] = get_type(seg);
        ints[3 * i + 2] = get_close(seg);
    }
    return n;
}
