package org.fmplab.kernel;

import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the kernel for Jupyter: {@code java ... org.fmplab.kernel.KernelMain CONNECTION_FILE}
 * (kernel.sh does this with the right JVM flags).
 */
public final class KernelMain {

    private KernelMain() {
    }

    /** @param args the path of the connection file that Jupyter wrote */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain CONNECTION_FILE");
            System.exit(2);
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        String version = KernelMain.class.getPackage().getImplementationVersion();
        FmpLabKernel kernel = new FmpLabKernelBuilder()
                .name("fmplab")
                .version(version == null ? "dev" : version)
                .build();
        KernelConnection connection = new KernelConnection(props);
        kernel.becomeHandlerForConnection(connection);
        kernel.onStartup();
        connection.connect();
        kernel.startSession();
        exitWhenOrphaned();
        connection.waitUntilClose();
        // Threads the user started must not keep a kernel alive that Jupyter has shut down.
        System.exit(0);
    }

    /**
     * Like IPython's kernels: when the process that started the kernel (Jupyter) dies without
     * shutting it down, exit instead of holding memory forever.
     */
    private static void exitWhenOrphaned() {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        if (parent <= 1) return;
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L) == parent) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(1);
        }, "fmplab-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
