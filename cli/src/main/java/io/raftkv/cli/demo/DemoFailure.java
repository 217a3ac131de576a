package io.raftkv.cli.demo;

/** A scenario cannot go on: something it waits for did not happen in time. */
final class DemoFailure extends Exception {
  DemoFailure(String message) {
    super(message);
  }
}
