package io.raftkv.server;

import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceToken;

/**
 * A traced proposal's hand-off from the host {@code serverN} to {@code raftN} in the same
 * process: the server's token, and the RaftPutReq the Raft side records just before appending
 * (null for writes that are not Puts).
 */
record TraceHandoff(TraceToken token, TraceAction.RaftPutReq raftPutReq) {}
