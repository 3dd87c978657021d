package org.fmplab.defense;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.progress.ProgressListener;

/**
 * FT: fine-tune the whole backdoored network on the defender's clean subset (BackdoorBench's FT
 * baseline, with the toolkit's shared fine-tuning recipe). One stage, "fine-tuned".
 * Parameters: {@code epochs} (10), {@code lr} (0.01), {@code batch} (256).
 */
public final class FineTuningDefense implements Defense {
    public static final String NAME = "ft";
    private final FineTuning fineTuning;

    public FineTuningDefense(FineTuning fineTuning) {
        this.fineTuning = fineTuning;
    }

    /** Registry factory: validates {@code params}. */
    public static FineTuningDefense from(Map<String, String> params) {
        DefenseParams p = new DefenseParams(NAME, params);
        FineTuning ft = p.build(() -> FineTuning.from(p, "", FineTuning.defaults()));
        p.rejectUnknown();
        return new FineTuningDefense(ft);
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
