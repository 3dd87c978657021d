/**
 * The one parameter mechanism of attacks, defenses and FMP: each method declares its keys once
 * ({@link org.fmplab.params.ParamSpec}, kebab-case, with default, range and help, collected in a
 * {@link org.fmplab.params.ParamSet}); {@link org.fmplab.params.Params} reads a user's map validated
 * against them, and the same declarations print the {@code --help} listing. Also {@link
 * org.fmplab.params.Seeds}, the named derivations of every seed from a run's master seed. Depends on
 * nothing else in the toolkit.
 */
package org.fmplab.params;
