package org.fmplab.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.CellMagic;
import org.dflib.jjava.jupyter.kernel.magic.LineMagic;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

import java.util.List;

/**
 * Builds an {@link FmpLabKernel}: renderers, magics and history.
 */
public final class FmpLabKernelBuilder extends BaseKernelBuilder<FmpLabKernelBuilder, FmpLabKernel> {

    /** Magics at the start of a line, or after {@code =} to use their value (as in IJava). */
    static final String LINE_MAGIC_START = "(?<=(?:^|=))\\s*%";
    static final String CELL_MAGIC_START = "%%";

    /** A builder with the FMP Lab magics registered. */
    public FmpLabKernelBuilder() {
        lineMagic("jars", magic((m, args) -> m.jars(args)));
        lineMagic("classpath", magic((m, args) -> m.classpath(args)));
        lineMagic("maven", magic((m, args) -> m.maven(args)));
        lineMagic("mavenRepo", magic((m, args) -> m.mavenRepo(args)));
        cellMagic("bash", (CellMagic<Object, FmpLabKernel>) (kernel, args, body) -> magics(kernel).bash(body));
    }

    private static Magics magics(FmpLabKernel kernel) {
        return new Magics(kernel.session(), kernel.mavenRepositories);
    }

    private interface MagicBody {
        Object run(Magics magics, List<String> args) throws Exception;
    }

    private static LineMagic<Object, FmpLabKernel> magic(MagicBody body) {
        return (kernel, args) -> body.run(magics(kernel), args);
    }

    @Override
    public FmpLabKernel build() {
        Renderer renderer = buildRenderer();
        Renderers.registerAll(renderer);
        return new FmpLabKernel(
                buildName(), buildVersion(), new History(),
                buildJupyterIO(buildJupyterIOEncoding()), buildCommManager(), renderer,
                new MagicParser(LINE_MAGIC_START, CELL_MAGIC_START, buildMagicTranspiler()),
                buildMagicsRegistry(), buildErrorStyler());
    }
}
