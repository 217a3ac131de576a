package io.raftkv.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.api.peer.v1.AppendEntries;
import io.raftkv.api.peer.v1.Entry;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.api.peer.v1.SnapshotMeta;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.raft.message.Heartbeat;
import org.junit.jupiter.api.Test;

/** What no correct peer sends is refused as malformed input, field by field. */
class MessageCodecTest {
  @Test
  void aWellFormedMessageRoundTrips() {
    Heartbeat h = new Heartbeat(1, 2, 3, 4, 5, 0);
    assertEquals(h, MessageCodec.decode(MessageCodec.encode(h)));
  }

  @Test
  void malformedMessagesAreMalformedPeerInput() {
    assertMalformed(RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(1).build(), "no body");
    assertMalformed(RaftMessage.newBuilder().setFrom(0).setTo(2).setTerm(1)
        .setHeartbeat(io.raftkv.api.peer.v1.Heartbeat.getDefaultInstance()).build(), "node id 0");
    assertMalformed(RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(1)
        .setAppendEntries(AppendEntries.newBuilder().addEntries(Entry.newBuilder().setIndex(0)
            .setTerm(1))).build(), "both must be positive");
    assertMalformed(RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(1)
        .setAppendEntries(AppendEntries.newBuilder().addEntries(Entry.newBuilder().setIndex(1)
            .setTerm(1).setType(99))).build(), "unknown type");
  }

  @Test
  void malformedSnapshotMetadataIsMalformedPeerInput() {
    MalformedPeerInputException e = assertThrows(MalformedPeerInputException.class,
        () -> MessageCodec.decodeMeta(SnapshotMeta.newBuilder().setIndex(5).setTerm(0).build()));
    assertTrue(e.getMessage().contains("index 5 and term 0"), e.getMessage());
    assertEquals(7, MessageCodec.decodeMeta(SnapshotMeta.newBuilder().setIndex(7).setTerm(2)
        .addVoters(1).build()).index());
  }

  private static void assertMalformed(RaftMessage w, String says) {
    MalformedPeerInputException e = assertThrows(MalformedPeerInputException.class,
        () -> MessageCodec.decode(w));
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }
}
