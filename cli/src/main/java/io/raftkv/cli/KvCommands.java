package io.raftkv.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.client.DeleteResult;
import io.raftkv.client.GetResult;
import io.raftkv.client.OpOptions;
import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.kv.KvLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv put|get|delete} (and the base of the other client commands): one operation through {@link RaftKvClient} (leader
 * routing, failover, a deadline), keys and values as exact bytes, one line and an exit code on
 * failure ({@link CliException}).
 */
final class KvCommands {
  private KvCommands() {}

  /**
   * Direct calls to given servers, one channel per attempt: for the demo and the cluster
   * watcher, which ask particular servers (a write through a chosen follower). The key-value
   * commands use {@link RaftKvClient} instead.
   */
  static final class Servers {
    List<String> servers = LocalCluster.clientAddresses(LocalCluster.MAX_NODES);

    long timeoutMillis = 3000;

    /**
     * Runs {@code call} against each server in turn until one answers; retryable errors move on.
     * A write is sent with one (client id, op id), so trying it on several servers applies it once.
     */
    <T> T call(Function<KVGrpc.KVBlockingStub, T> call) {
      StatusRuntimeException last = null;
      for (int round = 0; round < 3; round++) {
        for (String s : servers) {
          ManagedChannel ch = NettyChannelBuilder.forTarget(s).usePlaintext().build();
          try {
            return call.apply(KVGrpc.newBlockingStub(ch)
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS));
          } catch (StatusRuntimeException e) {
            Status.Code c = e.getStatus().getCode();
            if (c != Status.Code.UNAVAILABLE && c != Status.Code.DEADLINE_EXCEEDED
                && c != Status.Code.RESOURCE_EXHAUSTED) {
              throw e;
            }
            last = e;
          } finally {
            ch.shutdownNow();
          }
        }
      }
      throw last;
    }
  }

  static RequestHeader header() {
    // A one-shot client: a fresh random session, operation 1.
    return RequestHeader.newBuilder().setClientId(new SecureRandom().nextLong()).setOpId(1).build();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** {@code --servers} and {@code --timeout-ms}, shared by put, get, delete and status. */
  static final class ClientOptions {
    @Option(names = "--servers", split = ",", paramLabel = "HOST:PORT",
        description = "servers to contact, comma-separated. Default: the environment variable "
            + Endpoints.ENV + " (same form); else the client addresses of the cluster `raftkv "
            + "cluster up` started from this directory (./raftkv-data/members.json, else "
            + "./raftkv-data/cluster.json); else 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003.")
    List<String> servers;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "how long the command may "
        + "take in all, waiting out an election and failing over between servers "
        + "(default: ${DEFAULT-VALUE})")
    long timeoutMillis = 5000;
  }

  /** How results are written: {@code -w simple|json}, and for get also hex and base64. */
  enum Format { simple, hex, base64, json }

  static final ObjectMapper JSON = new ObjectMapper();

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * One key-value command: resolves the servers, runs {@link #run} with a {@link RaftKvClient}
   * that has {@link ClientOptions#timeoutMillis} to answer, and turns every failure into one line
   * on standard error and an exit code ({@link CliException}).
   */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", description = "output format: "
        + "simple or json (default: ${DEFAULT-VALUE}); json writes one object, keys and values "
        + "in base64")
    Format format = Format.simple;

    List<String> servers;
    CallLog calls;
    long startNanos;

    /** What the command does, for messages ("put", "get"...). */
    abstract String verb();

    /** The gRPC method whose attempts a failure describes. */
    abstract String method();

    /** Checks the arguments (before any server is contacted). */
    void check() {}

    /** Does the command's work; returns the exit code. */
    abstract int run(RaftKvClient client);

    @Override
    public Integer call() {
      try {
        check();
        Endpoints.Resolved resolved = Endpoints.resolve(options.servers);
        servers = resolved.servers();
        if (options.timeoutMillis < 1) {
          throw new CliException(CliException.USAGE, "--timeout-ms must be positive");
        }
        calls = new CallLog();
        RaftKvClient client;
        try {
          client = RaftKvClient.builder().servers(servers)
              .perAttemptTimeout(Duration.ofMillis(Math.min(2000, options.timeoutMillis)))
              .intercept(calls).build();
        } catch (IllegalArgumentException e) {
          throw new CliException(CliException.USAGE, resolved.source() + ": " + e.getMessage());
        }
        startNanos = System.nanoTime();
        try (client) {
          return run(client);
        }
      } catch (CliException e) {
        System.err.println("raftkv " + verb() + ": " + e.getMessage());
        return e.exitCode();
      }
    }

    OpOptions deadline() {
      return OpOptions.defaults().withDeadline(Duration.ofMillis(options.timeoutMillis));
    }

    /** The operation's answer, or the failure as a {@link CliException}. */
    <T> T await(CompletableFuture<T> f) {
      try {
        return f.join();
      } catch (CompletionException e) {
        throw failure(e.getCause());
      }
    }

    CliException failure(Throwable t) {
      if (!(t instanceof RaftKvException e)) {
        throw new IllegalStateException(t);
      }
      switch (e.kind()) {
        case INVALID_ARGUMENT, FAILED_PRECONDITION, UNSUPPORTED -> {
          String by = calls.lastFailure(method()).map(c -> " by " + c.address()).orElse("");
          io.grpc.Status st = io.grpc.Status.fromThrowable(e.getCause() == null ? e : e.getCause());
          String why = e.getCause() == null ? e.getMessage()
              : st.getCode() + ": " + st.getDescription();
          return new CliException(CliException.REFUSED, "refused" + by + ": " + why);
        }
        default -> {
          return new CliException(CliException.UNAVAILABLE, "no server answered within "
              + options.timeoutMillis + " ms"
              + (e.mayHaveBeenApplied() ? " (the " + verb() + " may have been applied)" : "")
              + "; tried " + calls.summary(servers, method()));
        }
      }
    }

    /** The response of the op's successful call (for its header), if seen. */
    Optional<CallLog.Call> answer() {
      return calls.lastAnswer(method());
    }

    static void printJson(ObjectNode o) {
      try {
        System.out.println(JSON.writeValueAsString(o));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Adds where the answer came from to a JSON result. */
    void addHeader(ObjectNode o, ResponseHeader h) {
      answer().ifPresent(c -> o.put("server", c.address()));
      if (h != null) {
        o.put("server_id", h.getServerId());
        o.put("leader_id", h.getLeaderId());
        o.put("index", h.getIndex());
        o.put("term", h.getTerm());
      }
    }

    void onlySimpleOrJson() {
      if (format != Format.simple && format != Format.json) {
        throw new CliException(CliException.USAGE, "-w " + format + " is only for get; use "
            + "simple or json");
      }
    }
  }

  /** The key argument and how to read it, shared by put, get and delete. */
  abstract static class KeyCommand extends Base {
    @Option(names = "--key-hex", description = "KEY is hexadecimal (any bytes)")
    boolean keyHex;

    @Option(names = "--key-base64", description = "KEY is base64 (any bytes)")
    boolean keyBase64;

    abstract String keyArg();

    byte[] key() {
      if (keyHex && keyBase64) {
        throw new CliException(CliException.USAGE, "give --key-hex or --key-base64, not both");
      }
      if (keyHex) {
        return ByteArgs.hex(keyArg(), "KEY");
      }
      if (keyBase64) {
        return ByteArgs.base64(keyArg(), "KEY");
      }
      return ByteArgs.plain(keyArg(), "KEY", "give it with --key-hex or --key-base64");
    }

    ObjectNode keyJson(byte[] key) {
      ObjectNode o = JSON.createObjectNode();
      o.put("key", b64(key));
      return o;
    }
  }

  static final String KEY_HELP = "the key: the argument's bytes as the shell passed them (see "
      + "--key-hex, --key-base64 for any bytes)";

  @Command(name = "put",
      header = "Set a key to a value (from an argument, standard input or a file).",
      mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Set KEY to VALUE. VALUE is the argument's bytes; `-` reads the value from "
          + "standard input and --file from a file, byte for byte (up to the servers' limit of "
          + "1 MiB; a command line holds at most about 128 KiB). Prints OK with the log index "
          + "and the leader that applied it."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
          "0:applied", "2:usage error: nothing was sent",
          "3:no server answered in time; the put may have been applied",
          "4:refused by the servers (key or value too large...); not applied"})
  static final class Put extends KeyCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
        description = "the value, or - to read it from standard input")
    String value;

    @Option(names = "--file", paramLabel = "FILE", description = "read the value from FILE")
    Path file;

    byte[] keyBytes;
    byte[] valueBytes;

    @Override
    String verb() {
      return "put";
    }

    @Override
    String method() {
      return "Put";
    }

    @Override
    String keyArg() {
      return key;
    }

    @Override
    void check() {
      onlySimpleOrJson();
      keyBytes = key();
      if ((value == null) == (file == null)) {
        throw new CliException(CliException.USAGE, value == null
            ? "give VALUE, - (standard input) or --file FILE"
            : "give VALUE or --file FILE, not both");
      }
      if (file != null) {
        valueBytes = ByteArgs.file(file, KvLimits.MAX_VALUE_BYTES);
      } else if (value.equals("-")) {
        try {
          valueBytes = ByteArgs.readAll(System.in, KvLimits.MAX_VALUE_BYTES,
              "the value on standard input");
        } catch (java.io.IOException e) {
          throw new CliException(CliException.USAGE, "cannot read standard input: "
              + e.getMessage());
        }
      } else {
        valueBytes = ByteArgs.plain(value, "VALUE",
            "give it on standard input (put KEY -) or with --file");
      }
    }

    @Override
    int run(RaftKvClient client) {
      PutResult r = await(client.put(keyBytes, valueBytes, deadline()));
      ResponseHeader h = answer().map(c -> ((PutResponse) c.answer()).getHeader()).orElse(null);
      if (format == Format.json) {
        ObjectNode o = keyJson(keyBytes);
        if (r.previous().isPresent()) {
          o.put("previous", b64(r.previous().get()));
        } else {
          o.putNull("previous");
        }
        o.put("previous_unknown", r.previousUnknown());
        addHeader(o, h);
        printJson(o);
      } else {
        System.out.println(h == null ? "OK" : "OK (index " + h.getIndex() + ", leader "
            + h.getLeaderId() + ")");
      }
      return CliException.OK;
    }
  }

  @Command(name = "get",
      header = "Read a key; its value's bytes on standard output.",
      mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Read KEY. Writes the value's bytes as they are, adding a newline only when "
          + "standard output is a terminal, so `raftkv get k > file` holds exactly the value; "
          + "--hex or --base64 write it encoded (and a newline); -w json writes "
          + "{\"key\",\"found\",\"value\",...} with key and value in base64. A missing key writes "
          + "nothing on standard output (with -w json: \"found\": false), says so on standard "
          + "error and exits with 1."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
          "0:found", "1:the key does not exist", "2:usage error: nothing was sent",
          "3:no server answered in time", "4:refused by the servers (key too large...)"})
  static final class Get extends KeyCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

    @Option(names = "--serializable", description = "read the contacted server's state "
        + "(may be stale) instead of a linearizable read")
    boolean serializable;

    @Option(names = "--hex", description = "write the value in hexadecimal (as -w hex)")
    boolean hex;

    @Option(names = "--base64", description = "write the value in base64 (as -w base64)")
    boolean base64;

    byte[] keyBytes;

    @Override
    String verb() {
      return "get";
    }

    @Override
    String method() {
      return "Get";
    }

    @Override
    String keyArg() {
      return key;
    }

    @Override
    void check() {
      if (hex && base64) {
        throw new CliException(CliException.USAGE, "give --hex or --base64, not both");
      }
      if ((hex || base64) && format != Format.simple) {
        throw new CliException(CliException.USAGE, "give --" + (hex ? "hex" : "base64")
            + " or -w " + format + ", not both");
      }
      if (hex) {
        format = Format.hex;
      } else if (base64) {
        format = Format.base64;
      }
      keyBytes = key();
    }

    @Override
    int run(RaftKvClient client) {
      OpOptions o = deadline().withConsistency(serializable ? OpOptions.Consistency.SERIALIZABLE
          : OpOptions.Consistency.LINEARIZABLE);
      GetResult r = await(client.get(keyBytes, o));
      if (format == Format.json) {
        ObjectNode j = keyJson(keyBytes);
        j.put("found", r.value().isPresent());
        r.value().ifPresent(v -> j.put("value", b64(v)));
        addHeader(j, answer().map(c -> ((GetResponse) c.answer()).getHeader()).orElse(null));
        printJson(j);
      }
      if (r.value().isEmpty()) {
        System.err.println("raftkv get: key " + ByteArgs.printable(keyBytes) + " not found");
        return CliException.NOT_FOUND;
      }
      byte[] v = r.value().get();
      switch (format) {
        case hex -> System.out.println(HexFormat.of().formatHex(v));
        case base64 -> System.out.println(b64(v));
        case simple -> {
          System.out.write(v, 0, v.length);
          if (System.console() != null) {
            System.out.println();
          }
          System.out.flush();
        }
        default -> { }
      }
      return CliException.OK;
    }
  }

  @Command(name = "delete",
      header = "Remove a key.",
      mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Remove KEY. Prints `deleted`; a key that did not exist is reported on "
          + "standard error with exit code 1 (with -w json: \"existed\": false)."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
          "0:deleted", "1:the key did not exist", "2:usage error: nothing was sent",
          "3:no server answered in time; the delete may have been applied",
          "4:refused by the servers"})
  static final class Delete extends KeyCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = KEY_HELP) String key;

    byte[] keyBytes;

    @Override
    String verb() {
      return "delete";
    }

    @Override
    String method() {
      return "Delete";
    }

    @Override
    String keyArg() {
      return key;
    }

    @Override
    void check() {
      onlySimpleOrJson();
      keyBytes = key();
    }

    @Override
    int run(RaftKvClient client) {
      DeleteResult r = await(client.delete(keyBytes, deadline()));
      if (format == Format.json) {
        ObjectNode j = keyJson(keyBytes);
        j.put("existed", r.existed());
        addHeader(j, answer().map(c -> ((DeleteResponse) c.answer()).getHeader()).orElse(null));
        printJson(j);
      } else if (r.existed()) {
        System.out.println("deleted");
      }
      if (!r.existed()) {
        System.err.println("raftkv delete: key " + ByteArgs.printable(keyBytes)
            + " not found; nothing deleted");
        return CliException.NOT_FOUND;
      }
      return CliException.OK;
    }
  }
}
