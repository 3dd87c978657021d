package org.fmplab.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format, read and written here directly: an 8-byte little-endian header length N, N bytes
 * of JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}),
 * then the raw little-endian tensor data, offsets relative to byte 8 + N. Nothing in it can run code.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reference implementation's limit on the header size (100 MB). */
    private static final long MAX_HEADER = 100_000_000L;

    private SafeTensors() { }

    /** Reads every tensor of {@code file}, in header order, checking offsets, sizes and dtypes. */
    public static Map<String, Tensor> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new WeightsFormatException(file + ": cannot read: " + e.getMessage());
        }
        return read(bytes, file.toString());
    }

    static Map<String, Tensor> read(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new WeightsFormatException(source + ": " + bytes.length + " bytes, too short for the 8-byte safetensors header length (truncated?)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        if (n < 2 || n > MAX_HEADER || n > bytes.length - 8L) {
            throw new WeightsFormatException(source + ": header length at byte 0 is " + n + ", but the file has "
                    + bytes.length + " bytes (needs 2 <= length <= " + Math.min(MAX_HEADER, bytes.length - 8L) + "; truncated or not safetensors)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException(source + ": malformed JSON header (bytes 8 to " + (8 + n) + "): "
                    + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new WeightsFormatException(source + ": the header at bytes 8 to " + (8 + n) + " is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<long[]> spans = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) continue;
            JsonNode t = e.getValue();
            String where = source + ": tensor '" + name + "'";
            String dtype = t.path("dtype").asText("");
            int item = Tensor.itemSize(dtype);
            if (item < 0) throw new WeightsFormatException(where + ": unknown dtype '" + dtype + "'");
            long[] shape = longs(t.path("shape"), where + ": shape");
            long[] off = longs(t.path("data_offsets"), where + ": data_offsets");
            if (off.length != 2 || off[0] > off[1]) {
                throw new WeightsFormatException(where + ": data_offsets must be [begin, end] with begin <= end");
            }
            long count = 1;
            for (long d : shape) count = Math.multiplyExact(count, d);
            if (off[1] - off[0] != count * item) {
                throw new WeightsFormatException(where + ": data_offsets [" + off[0] + ", " + off[1] + "] hold " + (off[1] - off[0])
                        + " bytes, but " + dtype + " " + java.util.Arrays.toString(shape) + " needs " + count * item);
            }
            if (off[1] > dataLength) {
                throw new WeightsFormatException(where + ": data ends at byte " + (dataStart + off[1]) + " of the file, which has only "
                        + bytes.length + " bytes (truncated)");
            }
            if (count > Integer.MAX_VALUE) throw new WeightsFormatException(where + ": " + count + " elements is too many");
            spans.add(new long[] {off[0], off[1]});
            ByteBuffer data = ByteBuffer.wrap(bytes, (int) (dataStart + off[0]), (int) (off[1] - off[0])).slice().order(ByteOrder.LITTLE_ENDIAN);
            out.put(name, new Tensor(name, dtype, shape, Tensor.toFloats(dtype, data, (int) count)));
        }
        checkLayout(spans, dataLength, dataStart, source);
        return out;
    }

    /** The format requires the tensors to tile the data area exactly: no overlap, no gap, no trailing bytes. */
    private static void checkLayout(List<long[]> spans, long dataLength, long dataStart, String source) {
        spans.sort(Comparator.comparingLong(s -> s[0]));
        long end = 0;
        for (long[] s : spans) {
            if (s[0] != end) {
                throw new WeightsFormatException(source + ": tensor data at byte " + (dataStart + end) + " of the file "
                        + (s[0] < end ? "overlaps" : "leaves a gap before") + " the next tensor (which starts at byte " + (dataStart + s[0]) + ")");
            }
            end = s[1];
        }
        if (end != dataLength) {
            throw new WeightsFormatException(source + ": " + (dataLength - end) + " bytes after the last tensor (byte "
                    + (dataStart + end) + " on) belong to no tensor");
        }
    }

    private static long[] longs(JsonNode a, String what) {
        if (!a.isArray()) throw new WeightsFormatException(what + " is missing or not a list");
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isIntegralNumber() || a.get(i).asLong() < 0) {
                throw new WeightsFormatException(what + " has entry " + a.get(i) + ", not a non-negative integer");
            }
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    /** Writes float tensors (F32) and integer scalars (I64, {@link Tensor#values} null, value 0) in the given order. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Tensor t : tensors.values()) {
            long bytes = t.values() != null ? 4L * t.values().length : 8L * t.size();
            if (t.values() != null && t.values().length != t.size()) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has " + t.values().length + " values for shape " + t.shapeString());
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.values() != null ? "F32" : "I64");
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the reference writer pads the header with spaces to 8 bytes
        ByteBuffer out = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) out.put((byte) ' ');
        for (Tensor t : tensors.values()) {
            if (t.values() != null) {
                for (float v : t.values()) out.putFloat(v);
            } else {
                for (long i = 0; i < t.size(); i++) out.putLong(0);
            }
        }
        try {
            Files.write(file, out.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
