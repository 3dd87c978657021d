package org.fmplab.attack;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Small image operations on float arrays in [0,1] that the attacks share: clipping, broadcasting a
 * [C,H,W] pattern over a batch, bilinear resizing and Gaussian low-pass filtering.
 */
final class ImageOps {
    private ImageOps() { }

    /** A copy of {@code x} clipped to [0,1]. */
    static INDArray clip01(INDArray x) {
        return Transforms.min(Transforms.max(x, 0.0, true), 1.0, false);
    }

    /** The [C,H,W] {@code pattern} repeated over the batch dimension of {@code like} [N,C,H,W]. */
    static INDArray broadcast(INDArray pattern, INDArray like) {
        return pattern.reshape(1, like.size(1), like.size(2), like.size(3)).broadcast(like.shape());
    }

    /** The values of {@code x} as a C-order float array. */
    static float[] floats(INDArray x) {
        return x.dup('c').data().asFloat();
    }

    /** A float array of {@code shape} from C-order data. */
    static INDArray array(float[] data, long... shape) {
        return Nd4j.create(data, shape, 'c').castTo(DataType.FLOAT);
    }

    /**
     * Bilinear resize of a [C,H,W] image to [C,nh,nw] with pixel-centre alignment (as image libraries
     * resize pictures).
     */
    static float[] resizeBilinear(float[] src, int c, int h, int w, int nh, int nw) {
        float[] out = new float[c * nh * nw];
        for (int y = 0; y < nh; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / nh - 0.5));
            int y0 = (int) Math.floor(sy), y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < nw; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / nw - 0.5));
                int x0 = (int) Math.floor(sx), x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                for (int ch = 0; ch < c; ch++) {
                    int b = ch * h * w;
                    double v = (1 - fy) * ((1 - fx) * src[b + y0 * w + x0] + fx * src[b + y0 * w + x1])
                            + fy * ((1 - fx) * src[b + y1 * w + x0] + fx * src[b + y1 * w + x1]);
                    out[(ch * nh + y) * nw + x] = (float) v;
                }
            }
        }
        return out;
    }

    /**
     * Separable Gaussian low-pass of every channel of a [C,H,W] image (kernel radius 3σ, edge pixels
     * replicated), in place.
     */
    static void gaussianBlur(float[] img, int c, int h, int w, double sigma) {
        if (sigma <= 0) return;
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        double[] tmp = new double[h * w];
        for (int ch = 0; ch < c; ch++) {
            int b = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) s += k[i + r] * img[b + y * w + Math.min(w - 1, Math.max(0, x + i))];
                    tmp[y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                    img[b + y * w + x] = (float) s;
                }
            }
        }
    }
}
