/* Expert activations and the selection order. */
DEVICE_FN float sigmoidf_(float v) { return 1.0f / (1.0f + exp(-v)); }
DEVICE_FN float activate(float gate, float up) {
<@activation_body T="float" vec=false sig="sigmoidf_"/>
}
/* (v, i) beats (w, j): larger value, ties to the lower index. */
DEVICE_FN int better(float v, int i, float w, int j) { return v > w || (v == w && i < j); }
/* Selection ranks a NaN score as -inf (the lowest; ties to the lower index), so a NaN input still selects
 * valid, distinct experts. EXCLUDED (a NaN) marks experts that may not be picked: taken, or outside the kept groups. */
DEVICE_FN float rank_key(float v) { return isnan(v) ? -INFINITY : v; }
#define EXCLUDED AS_FLOAT(0x7fc00000u)
