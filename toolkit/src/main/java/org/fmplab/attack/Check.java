package org.fmplab.attack;

/**
 * State checks shared by the attacks (parameter ranges are checked by each attack's declared
 * {@code PARAMS}).
 */
final class Check {
    private Check() { }

    /** Fails unless the attack has been prepared. */
    static void prepared(String attack, boolean prepared) {
        if (!prepared) {
            throw new IllegalStateException(attack + ": not prepared; poison through Poisoner (which calls prepare) "
                    + "or restore a saved state with AttackState.load");
        }
    }
}
