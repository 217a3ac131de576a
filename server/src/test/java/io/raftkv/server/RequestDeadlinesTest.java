package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestDeadlinesTest {

  @Test
  void aRequestThatIsNotAnsweredFailsWithATimeoutAfterTheTimeout() throws Exception {
    try (RequestDeadlines d = new RequestDeadlines(1, 200)) {
      AtomicInteger done = new AtomicInteger();
      long start = System.nanoTime();
      CompletableFuture<String> never = new CompletableFuture<>();
      CompletableFuture<String> watched = d.watch(never, done::incrementAndGet);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> watched.get(30, TimeUnit.SECONDS));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertInstanceOf(TimeoutException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("200 ms"), e.getCause().getMessage());
      assertTrue(tookMillis >= 200, "failed early, after " + tookMillis + " ms");
      assertEquals(1, done.get());
      assertEquals(0, d.watched());
    }
  }

  @Test
  void anAnsweredRequestKeepsItsAnswerAndIsForgotten() throws Exception {
    try (RequestDeadlines d = new RequestDeadlines(1, 100)) {
      AtomicInteger done = new AtomicInteger();
      CompletableFuture<String> f = new CompletableFuture<>();
      CompletableFuture<String> watched = d.watch(f, done::incrementAndGet);
      assertEquals(1, d.watched());
      f.complete("answer");
      assertEquals("answer", watched.get(5, TimeUnit.SECONDS));
      assertEquals(0, d.watched());
      Thread.sleep(300); // past the timeout: the answer stands, onDone ran once
      assertEquals("answer", watched.get());
      assertEquals(1, done.get());
    }
  }

  @Test
  void anAlreadyCompletedRequestIsNotWatched() throws Exception {
    try (RequestDeadlines d = new RequestDeadlines(1, 100)) {
      AtomicInteger done = new AtomicInteger();
      CompletableFuture<String> watched =
          d.watch(CompletableFuture.completedFuture("x"), done::incrementAndGet);
      assertEquals("x", watched.get());
      assertEquals(0, d.watched());
      assertEquals(1, done.get());
    }
  }

  @Test
  void aNonPositiveTimeoutIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RequestDeadlines(1, 0));
    assertTrue(e.getMessage().contains("request timeout"), e.getMessage());
  }
}
