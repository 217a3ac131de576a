/** The storage benchmark, {@link io.raftkv.storage.bench.WalBench}: run as a program, not a test. */
package io.raftkv.storage.bench;
