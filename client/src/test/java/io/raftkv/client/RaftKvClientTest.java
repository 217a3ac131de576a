package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idiomatic API: builder validation, futures, options and close. */
class RaftKvClientTest {
  private final FakeCluster cluster = new FakeCluster(2);
  private final RaftKvClient client = RaftKvClient.builder()
      .servers(cluster.addresses())
      .retryPolicy(KvslibTest.FAST)
      .channelFactory(cluster.channels())
      .build();

  @AfterEach
  void tearDown() {
    client.close();
    cluster.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static String buildError(RaftKvClient.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
  }

  @Test
  void when_no_servers_are_given_then_build_fails_clearly() {
    assertTrue(buildError(RaftKvClient.builder()).contains("server list is empty"));
    assertTrue(buildError(RaftKvClient.builder().servers(List.of())).contains("server list is empty"));
  }

  @Test
  void when_an_address_is_not_host_port_then_build_fails_naming_it() {
    String noPort = buildError(RaftKvClient.builder().servers("localhost:7001", "localhost"));
    assertTrue(noPort.contains("'localhost'") && noPort.contains("host:port"), noPort);
    String notANumber = buildError(RaftKvClient.builder().servers("db1:http"));
    assertTrue(notANumber.contains("'http'"), notANumber);
    String outOfRange = buildError(RaftKvClient.builder().servers("db1:70000"));
    assertTrue(outOfRange.contains("70000"), outOfRange);
    String twice = buildError(RaftKvClient.builder().servers("db1:7001", " db1:7001"));
    assertTrue(twice.contains("listed twice"), twice);
  }

  @Test
  void when_options_are_out_of_range_then_they_are_refused() {
    assertThrows(IllegalArgumentException.class,
        () -> RaftKvClient.builder().perAttemptTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RaftKvClient.builder().maxConcurrentWrites(0));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class,
        () -> OpOptions.defaults().withDeadline(Duration.ofMillis(-1)));
  }

  @Test
  void when_put_get_delete_then_the_futures_carry_their_answers() throws Exception {
    PutResult first = await(client.put(b("k"), b("v1")));
    PutResult second = await(client.put(b("k"), b("v2")));
    GetResult read = await(client.get(b("k")));
    DeleteResult deleted = await(client.delete(b("k")));
    GetResult gone = await(client.get(b("k")));
    DeleteResult again = await(client.delete(b("k")));

    assertEquals(Optional.empty(), first.previous());
    assertEquals("v1", s(second.previous().orElseThrow()));
    assertEquals("v2", s(read.value().orElseThrow()));
    assertArrayEquals(b("k"), read.key());
    assertTrue(deleted.existed());
    assertEquals(Optional.empty(), gone.value());
    assertFalse(again.existed());
    assertTrue(first.opId() < second.opId() && second.opId() < read.opId()
        && read.opId() < deleted.opId() && deleted.opId() < gone.opId());
  }

  @Test
  void when_ops_on_one_key_are_issued_without_waiting_then_they_complete_in_call_order()
      throws Exception {
    cluster.server(0).hold("k");
    List<Long> completed = new CopyOnWriteArrayList<>();
    CompletableFuture<PutResult> put = client.put(b("k"), b("v"));
    put.thenAccept(r -> completed.add(r.opId()));
    CompletableFuture<GetResult> get = client.get(b("k"));
    get.thenAccept(r -> completed.add(r.opId()));
    CompletableFuture<DeleteResult> delete = client.delete(b("k"));
    delete.thenAccept(r -> completed.add(r.opId()));
    Await.until("the put is held", () -> cluster.server(0).heldCount() == 1);

    cluster.server(0).release();

    assertEquals("v", s(await(get).value().orElseThrow()));
    assertTrue(await(delete).existed());
    Await.until("all three callbacks ran", () -> completed.size() == 3);
    assertEquals(List.of(put.join().opId(), get.join().opId(), delete.join().opId()), completed);
  }

  @Test
  void when_a_serializable_read_is_asked_for_then_the_server_receives_it_as_such() throws Exception {
    await(client.get(b("k"), OpOptions.defaults().withConsistency(OpOptions.Consistency.SERIALIZABLE)));
    await(client.get(b("k")));

    List<FakeServer.Received> reads = cluster.server(0).received();
    assertEquals(ReadConsistency.SERIALIZABLE, reads.get(0).consistency());
    assertEquals(ReadConsistency.LINEARIZABLE, reads.get(1).consistency());
  }

  @Test
  void when_status_is_asked_for_then_the_current_server_answers() throws Exception {
    StatusResponse status = await(client.status());

    assertEquals("fake", status.getClusterId());
    assertEquals(1, status.getHeader().getServerId()); // server 0 is node 1
  }

  @Test
  void when_talking_to_a_real_network_server_then_the_default_transport_works() throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FakeServer(cluster, 7, "unused:1")).build().start();
    try (RaftKvClient real = RaftKvClient.builder()
        .servers("localhost:" + server.getPort()).retryPolicy(KvslibTest.FAST).build()) {
      await(real.put(b("net"), b("work")));
      assertEquals("work", s(await(real.get(b("net"))).value().orElseThrow()));
      assertEquals(7, await(real.status()).getHeader().getServerId());
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void when_a_channel_cannot_be_opened_then_the_op_fails_clearly_instead_of_retrying() {
    RaftKvClient broken = RaftKvClient.builder().servers("db1:7001").retryPolicy(KvslibTest.FAST)
        .channelFactory(address -> {
          throw new IllegalArgumentException("no resolver for " + address);
        }).build();
    try {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> broken.get(b("k")).get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS));
      RaftKvException failure = assertInstanceOf(RaftKvException.class, e.getCause());
      assertEquals(RaftKvException.Kind.UNSUPPORTED, failure.kind());
      assertTrue(failure.getMessage().contains("cannot open a channel to db1:7001"), failure.getMessage());
    } finally {
      broken.close();
    }
  }

  @Test
  void when_closed_then_pending_futures_fail_as_closed_and_new_calls_throw() throws Exception {
    cluster.server(0).holdAll();
    CompletableFuture<PutResult> pending = client.put(b("k"), b("v"));
    Await.until("the put reached the server", () -> cluster.server(0).heldCount() == 1);

    client.close();
    client.close(); // idempotent

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> pending.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS));
    RaftKvException closed = assertInstanceOf(RaftKvException.class, e.getCause());
    assertEquals(RaftKvException.Kind.CLOSED, closed.kind());
    assertTrue(closed.mayHaveBeenApplied());
    IllegalStateException after = assertThrows(IllegalStateException.class, () -> client.get(b("k")));
    assertTrue(after.getMessage().contains("closed"), after.getMessage());
    assertThrows(IllegalStateException.class, client::status);
  }

  @Test
  void when_a_callback_executor_is_given_then_futures_complete_on_it() throws Exception {
    java.util.concurrent.ExecutorService callbacks = java.util.concurrent.Executors
        .newSingleThreadExecutor(r -> new Thread(r, "app-callbacks"));
    try (RaftKvClient onExecutor = RaftKvClient.builder().servers(cluster.addresses())
        .retryPolicy(KvslibTest.FAST).channelFactory(cluster.channels())
        .callbackExecutor(callbacks).build()) {
      // Hold the executor's only thread until the callback is attached, so the answer can only
      // be handled (and the future completed) there, after the callback is in place.
      java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
      callbacks.execute(() -> {
        try {
          attached.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      CompletableFuture<String> thread = onExecutor.put(b("k"), b("v"))
          .thenApply(r -> Thread.currentThread().getName());
      attached.countDown();
      assertEquals("app-callbacks", await(thread));
    } finally {
      callbacks.shutdownNow();
    }
    assertThrows(NullPointerException.class, () -> RaftKvClient.builder().callbackExecutor(null));
  }
}
