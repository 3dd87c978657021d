"""Interrupting a real toolkit training run (org.fmplab.model.Trainer) from the notebook."""
from kernel_client import ROOT, interrupt_after_start, result_of


SETUP = """
var net = Models.build(new ModelSpec("smallcnn", 8, 1, 16, 16, 2, 1L));
byte[] px = new byte[512 * 16 * 16];
new Random(1).nextBytes(px);
int[] labels = new int[512];
for (int i = 0; i < labels.length; i++) labels[i] = i % 2;
var noise = ImageDataset.of("noise", px, labels, 1, 16, 16, ImageDataset.numberedClasses(2));
"""

# 1000 epochs: runs until interrupted, reporting every batch to a progress bar.
TRAIN = "new Trainer(TrainConfig.paper(1000, 1).withBatchSize(16)).withListener(progressBar()).train(net, noise);"


def test_interrupting_training_returns_within_2_s_and_the_kernel_still_trains(kernel):
    content, _ = kernel.run(SETUP, timeout=300)
    assert content["status"] == "ok", content
    reply, outputs, seconds = interrupt_after_start(
        kernel, TRAIN, lambda m: m["msg_type"] == "update_display_data")
    assert reply["status"] == "error"
    # InterruptedWorkException when the trainer noticed between batches; InterruptedException when a
    # batch outlasted the grace period and the cell was stopped by force.
    assert reply["ename"] in ("InterruptedWorkException", "InterruptedException"), reply
    print(f"training stopped after {seconds:.2f} s with {reply['ename']}")
    assert seconds < 2.0, f"training took {seconds:.2f} s to stop"
    content, outputs = kernel.run(
        "new Trainer(TrainConfig.paper(1, 1).withBatchSize(64)).train(net, noise).history().size()", timeout=300)
    assert content["status"] == "ok", content
    assert result_of(outputs) == "1"
