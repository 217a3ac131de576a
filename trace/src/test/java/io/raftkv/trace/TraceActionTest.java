package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceActionTest {
  /** The actions and fields of the seed report, in its order. */
  private static final String SEED = String.join("\n",
      "ServerStart serverId", "ServerListening serverId",
      "RaftStart id", "Apply command term index",
      "RequestVote term id", "RequestVoteRecv serverId term",
      "RequestVoteRes voteGranted serverId candidateServerId term", "LeaderElected serverId term",
      "AppendEntries term entries prevLogIndex prevLogTerm",
      "AppendEntriesRecv term entries prevLogIndex prevLogTerm",
      "AppendEntriesRes valid conflictIndex", "Commit term operation",
      "KvslibStart clientId", "KvslibStop clientId",
      "NewServerConnection clientId serverId serverAddr",
      "GetStart clientId opId key", "PutStart clientId opId key value",
      "GetSend clientId opId key", "PutSend clientId opId key value",
      "GetRecv clientId opId key", "PutRecv clientId opId key value",
      "GetFwd clientId opId key", "PutFwd clientId opId key value",
      "RaftPutReq clientId opId key value",
      "GetResult clientId opId key value", "PutResult clientId opId key value",
      "GetResultFwd clientId opId key value", "PutResultFwd clientId opId key value");

  @Test
  void the_actions_are_exactly_the_seeds_with_its_field_names_in_order() {
    List<String> actual = new ArrayList<>();
    for (Class<?> c : TraceAction.class.getPermittedSubclasses()) {
      StringBuilder b = new StringBuilder(c.getSimpleName());
      for (ActionSchema.Field f : ActionSchema.fieldsOf(c.getSimpleName())) {
        b.append(' ').append(f.name());
      }
      actual.add(b.toString());
    }
    assertEquals(SEED, String.join("\n", actual));
  }

  @Test
  void name_and_fields_with_ints_as_longs() {
    TraceAction a = new TraceAction.RequestVoteRes(true, 2, 3, 7L);
    assertEquals("RequestVoteRes", a.name());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("voteGranted", true);
    expected.put("serverId", 2L);
    expected.put("candidateServerId", 3L);
    expected.put("term", 7L);
    assertEquals(expected, a.fields());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(a.fields().keySet()));
  }

  @Test
  void a_null_string_field_is_named_when_recorded() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> new TraceAction.GetResult("c1", 1, "k", null).fields());
    assertTrue(e.getMessage().contains("GetResult.value"), e.getMessage());
  }
}
