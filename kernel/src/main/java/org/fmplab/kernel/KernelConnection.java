package org.fmplab.kernel;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.reply.CommInfoReply;
import org.dflib.jjava.jupyter.messages.reply.InterruptReply;
import org.dflib.jjava.jupyter.messages.reply.ShutdownReply;
import org.zeromq.ZMQ;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Jupyter connection, with two changes. Shell and control requests are picked up as soon as
 * they arrive (see {@link Channel}). And output that user code publishes (prints, displays,
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

    private static final Gson GSON = new Gson();

    private final KernelConnectionProperties props;
    private final ZMQ.Context shellContext = ZMQ.context(1);
    private final Channel shellChannel;
    private final Channel controlChannel;
    private boolean connected;

    KernelConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        shellChannel = new Channel(shellContext, hmac, false);
        controlChannel = new Channel(shellContext, hmac, true);
    }

    /** Binds the sockets, with our shell and control channels in place of the base library's. */
    @Override
    public void connect() {
        if (connected) return;
        heartbeat.bind(props);
        shellChannel.bind(props);
        controlChannel.bind(props);
        stdin.bind(props);
        iopub.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public void waitUntilClose() {
        shellChannel.waitUntilClose();
        controlChannel.waitUntilClose();
        super.waitUntilClose();
    }

    @Override
    public ShellReplyEnvironment prepareReplyEnv(ShellChannel shell, MessageContext context) {
        return new Env(shell, context);
    }

    @Override
    public void close() {
        shellChannel.close();
        controlChannel.close();
        super.close(); // the other sockets, and the base library's unused shell and control sockets
        shellContext.close();
        publisher.shutdown();
    }

    /**
     * A shell or control channel whose thread blocks in ZeroMQ's poll until a request arrives. The
     * base library's channels poll every 50 ms and sleep in between, which adds 25 ms to every
     * request on average; polling faster would keep an idle kernel busy.
     */
    private final class Channel extends ShellChannel {
        private final boolean isControl;
        private volatile boolean running;
        private Thread thread;

        Channel(ZMQ.Context context, HMACGenerator hmac, boolean isControl) {
            super(context, hmac, isControl, KernelConnection.this);
            this.isControl = isControl;
        }

        @Override
        public void bind(KernelConnectionProperties p) {
            bind(formatAddress(p.getTransport(), p.getIp(), isControl ? p.getControlPort() : p.getShellPort()));
            running = true;
            thread = new ChannelThread(this::serve, isControl ? "fmplab-control" : "fmplab-shell");
            thread.start();
        }

        private void serve() {
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            while (running) {
                try {
                    if (poller.poll(200) > 0) handle(readMessage());
                } catch (RuntimeException e) {
                    if (running) logger.warn("{} failed: {}", thread.getName(), e.toString());
                }
            }
            poller.close();
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void handle(Message message) {
            ShellHandler handler = getHandler(message.getHeader().getType());
            if (handler == null) {
                logger.warn("Unhandled message: {}", message.getHeader().getType().getName());
                return;
            }
            ShellReplyEnvironment env = prepareReplyEnv(this, message);
            try {
                handler.handle(env, message);
            } catch (RuntimeException e) {
                logger.warn("Failed to handle {}: {}", message.getHeader().getType().getName(), e.toString());
            } finally {
                env.resolveDeferrals();
            }
            if (env.isMarkedForShutdown()) KernelConnection.this.close();
        }

        @Override
        public void close() {
            running = false;
            super.close();
        }

        @Override
        public void waitUntilClose() {
            try {
                if (thread != null) thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The threads of the kernel's own channels (as opposed to threads running user code). */
    private static final class ChannelThread extends Thread {
        ChannelThread(Runnable body, String name) {
            super(body, name);
        }
    }

    private final class Env extends ShellReplyEnvironment {
        Env(ShellChannel shell, MessageContext context) {
            super(shell, KernelConnection.this.stdin, KernelConnection.this.iopub, context);
        }

        /** Some of the base library's replies lack the {@code status} field every reply must have. */
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public void reply(Message<?> msg) {
            Object content = msg.getContent();
            if (content instanceof CommInfoReply || content instanceof InterruptReply || content instanceof ShutdownReply) {
                JsonObject json = GSON.toJsonTree(content).getAsJsonObject();
                json.addProperty("status", "ok");
                msg = new Message(msg.getIdentities(), msg.getHeader(), msg.getParentHeader(), msg.getMetadata(),
                        json, msg.getBlobs());
            }
            super.reply(msg);
        }

        @Override
        public void publish(Message<?> msg) {
            if (Thread.currentThread() instanceof ChannelThread) {
                super.publish(msg); // the kernel's own channel threads
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
