package org.fmplab.render;

/** A result that knows how to show itself as an HTML fragment (used by the notebook kernel). */
public interface HtmlRenderable {
    String toHtml();
}
