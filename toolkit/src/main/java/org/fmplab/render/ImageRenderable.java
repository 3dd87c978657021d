package org.fmplab.render;

import java.awt.image.BufferedImage;

/** A result that knows how to show itself as an image (used by the notebook kernel). */
public interface ImageRenderable {
    BufferedImage toImage();
}
