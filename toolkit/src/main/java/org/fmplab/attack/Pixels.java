package org.fmplab.attack;

import org.fmplab.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Conversions between the float [0,1] space where triggers act and the byte space where data lives. */
final class Pixels {
    private Pixels() { }

    /** Rounds a [N,C,H,W] float batch to bytes 0-255 (clipping), NCHW order. */
    static byte[] toBytes(INDArray x) {
        float[] f = x.dup('c').data().asFloat();
        byte[] out = new byte[f.length];
        for (int i = 0; i < f.length; i++) {
            int v = Math.round(f[i] * 255f);
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }

    /** Replaces the images at {@code indices} of a copy of {@code base} pixels with {@code triggered}. */
    static byte[] replace(ImageDataset base, int[] indices, INDArray triggered) {
        byte[] all = base.pixels();
        byte[] t = toBytes(triggered);
        int per = base.imageSize();
        for (int k = 0; k < indices.length; k++) System.arraycopy(t, k * per, all, indices[k] * per, per);
        return all;
    }
}
