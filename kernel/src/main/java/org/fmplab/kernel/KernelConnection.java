package org.fmplab.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.Loop;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.zeromq.ZMQ;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Jupyter connection, with two changes. Requests are picked up within a few milliseconds
 * (see {@link #SHELL_POLL_MILLIS}). And output that user code publishes (prints, displays,
 * progress updates) is sent by a dedicated thread. ZeroMQ (jeromq) must not run on a thread that
 * has been interrupted: it clears the interrupt flag and drops the message. Since an interrupted
 * cell usually reports progress once more before it notices the interrupt, sending from the cell's
 * own thread would both lose output and swallow the interrupt.
 */
final class KernelConnection extends JupyterConnection {

    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fmplab-iopub");
        t.setDaemon(true);
        return t;
    });

    /**
     * The base library's shell and control loops sleep 50 ms between polls, which adds 25 ms on
     * average to every request; ours poll every few milliseconds.
     */
    static final long SHELL_POLL_MILLIS = 3;

    private final KernelConnectionProperties props;
    private final ZMQ.Context shellContext = ZMQ.context(1);
    private final ShellChannel fastShell;
    private final ShellChannel fastControl;
    private boolean connected;

    KernelConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        fastShell = new ShellChannel(shellContext, hmac, false, this, SHELL_POLL_MILLIS);
        fastControl = new ShellChannel(shellContext, hmac, true, this, SHELL_POLL_MILLIS);
    }

    /** Binds the sockets, with our shell and control channels in place of the base library's. */
    @Override
    public void connect() {
        if (connected) return;
        heartbeat.bind(props);
        fastShell.bind(props);
        fastControl.bind(props);
        stdin.bind(props);
        iopub.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public void waitUntilClose() {
        fastShell.waitUntilClose();
        fastControl.waitUntilClose();
        super.waitUntilClose();
    }

    @Override
    public ShellReplyEnvironment prepareReplyEnv(ShellChannel shell, MessageContext context) {
        return new Env(shell, context);
    }

    @Override
    public void close() {
        fastShell.close();
        fastControl.close();
        super.close(); // the other sockets, and the base library's unused shell and control sockets
        shellContext.close();
        publisher.shutdown();
    }

    private final class Env extends ShellReplyEnvironment {
        Env(ShellChannel shell, MessageContext context) {
            super(shell, KernelConnection.this.stdin, KernelConnection.this.iopub, context);
        }

        @Override
        public void publish(Message<?> msg) {
            if (Thread.currentThread() instanceof Loop) {
                super.publish(msg); // the kernel's own shell and control threads
                return;
            }
            Future<?> sent = publisher.submit(() -> super.publish(msg));
            boolean interrupted = false;
            while (true) {
                try {
                    sent.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // wait anyway: output keeps its order
                } catch (ExecutionException e) {
                    break; // the socket is closed or the message could not be sent: drop it
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
