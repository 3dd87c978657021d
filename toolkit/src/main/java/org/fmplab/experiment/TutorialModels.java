package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fmplab.metrics.Scores;
import org.fmplab.model.ModelIO;

/**
 * {@code ./fmplab tutorial-models}: (re)makes the backdoored model the toolkit ships for the quick tutorials
 * (the repository's {@code models/}, packed into the jar), so that notebooks 03-05 start at once on Binder.
 */
final class TutorialModels {
    static final String HELP = Help.text("tutorial-models");

    private TutorialModels() { }

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, java.util.Set.of("help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        Path dir = Path.of(a.get("out", "models"));
        a.rejectUnknown();
        StringBuilder md = new StringBuilder("""
                # The quick tutorials' backdoored model

                Written by `OMP_NUM_THREADS=2 ./fmplab tutorial-models` (class `org.fmplab.experiment.TutorialModels`);
                do not edit by hand. Each folder is a model in the toolkit's safe format (`config.json`, `params.npy`,
                `manifest.json` with the SHA-256 of both, checked on every load) named as the model cache names it, so a
                changed setting or training recipe gives a new name and the tests fail until the model is remade.
                The toolkit jar carries it; `Tutorial.backdoored` copies it into the model cache when the cache has
                none, so quick notebooks 03-05 skip training (02 always trains: it is the training tutorial). The
                full-size model (2.8 MB) is not shipped: the first full-size notebook trains and caches it.

                | mode | model | folder | CA | ASR | threads | params.npy SHA-256 |
                |---|---|---|---:|---:|---:|---|
                """);
        try {
            Files.createDirectories(dir);
            // Quick mode only: Binder runs it, and its model is 0.2 MB; the full-size one (2.8 MB) is trained
            // once by notebook 02 or 03 and cached.
            Tutorial t = Tutorial.of(Map.of("FMPLAB_QUICK", "1"));
            RunConfig c = t.config();
            Path store = Files.createTempDirectory("fmplab-tutorial-models");
            Pipeline.Data data = new Pipeline(c, null).prepareData();
            ModelCache cache = new ModelCache(store);
            Scores s = data.evaluator().evaluate(cache.backdoored(c, data, ConsoleProgress.stderr()).model());
            Path to = dir.resolve(ModelCache.name(c));
            Files.createDirectories(to);
            for (String f : List.of(ModelIO.CONFIG, ModelIO.PARAMS, ModelIO.MANIFEST)) {
                Files.copy(cache.dir(c).resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            String sha = ModelIO.sha256(Files.readAllBytes(to.resolve(ModelIO.PARAMS)));
            md.append(String.format(Locale.ROOT, "| quick | %s width %d, %d images, %d epochs | `%s` | %.2f%% | %.2f%% | %d | `%s` |%n",
                    c.architecture(), c.effectiveWidth(), t.limit(), t.epochs(),
                    to.getFileName(), 100 * s.ca(), 100 * s.asr(), ModelCache.computeThreads(), sha));
            out.printf(Locale.ROOT, "quick: CA %.4f ASR %.4f -> %s%n", s.ca(), s.asr(), to);
            ArtifactStore.deleteTree(store);
            Files.writeString(dir.resolve("README.md"), md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
