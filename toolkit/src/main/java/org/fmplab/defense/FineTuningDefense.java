package org.fmplab.defense;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.params.ParamSet;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.FineTuning;

/**
 * FT: fine-tune the whole backdoored network on the defender's clean subset (BackdoorBench's FT
 * baseline, with the toolkit's shared fine-tuning recipe). One stage, "fine-tuned".
 * Parameters: the shared recipe's {@code epochs}, {@code lr}, {@code batch} ({@link #PARAMS}).
 */
public final class FineTuningDefense implements Defense {
    public static final String NAME = "ft";
    private final FineTuning fineTuning;

    public FineTuningDefense(FineTuning fineTuning) {
        this.fineTuning = fineTuning;
    }

    /** FT's parameters: the shared fine-tuning recipe's. */
    public static final ParamSet PARAMS = ParamSet.of(NAME, FineTuning.params("", FineTuning.defaults(), false));

    /** Registry factory: validates {@code params}. */
    public static FineTuningDefense from(Map<String, ?> params) {
        return new FineTuningDefense(FineTuning.from(PARAMS.read(params), "", FineTuning.defaults()));
    }

    public FineTuning fineTuning() {
        return fineTuning;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        StageRecorder rec = new StageRecorder(NAME);
        rec.stage("fine-tuned", fineTuning.run(backdoored, data.clean(), data.seed(), listener, "fine-tune", null, null));
        rec.detail("epochs", fineTuning.epochs());
        return rec.result();
    }
}
