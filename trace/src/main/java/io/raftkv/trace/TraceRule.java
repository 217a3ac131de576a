package io.raftkv.trace;

/** The rules {@link TraceChecker} verifies, from the seed report's "Evaluation Methodology". */
public enum TraceRule {
  KVSLIB_START_ONCE("KvslibStart exactly once per client"),
  KVSLIB_START_FIRST("KvslibStart happens before all other actions of its client"),
  KVSLIB_STOP_ONCE("KvslibStop at most once per client"),
  KVSLIB_STOP_LAST("KvslibStop happens after all other actions of its client"),
  OPERATION_COMPLETE("each GetStart/PutStart has at least one Send, Recv and Result"),
  RECV_PER_SEND("Recv at most twice per Send (follower and leader)"),
  FWD_PER_RECV("Fwd at most once per Recv"),
  RESULT_PER_RECV("Result at most once per Recv"),
  RESULT_FWD_PER_RESULT("ResultFwd at most once per Result"),
  RAFT_PUT_REQ_PER_PUT_RECV("RaftPutReq at most once per PutRecv"),
  LEADER_ELECTED_PER_TERM("LeaderElected at most once per term"),
  SERVER_LISTENING_AFTER_START("ServerListening after a ServerStart of the same server"),
  OPERATION_PATH("happens-before along Start -> Send -> Recv -> [Fwd -> Recv] -> Result "
      + "-> [ResultFwd]");

  private final String description;

  TraceRule(String description) {
    this.description = description;
  }

  /** The rule in words. */
  public String description() {
    return description;
  }
}
