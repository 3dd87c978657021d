/**
 * What the notebook kernel can display: a toolkit result implements {@link org.fmplab.render.HtmlRenderable}
 * and/or {@link org.fmplab.render.ImageRenderable}. Depends on nothing in the toolkit, so results of any
 * package (metrics, viz, experiment) can be displayable without import cycles.
 */
package org.fmplab.render;
