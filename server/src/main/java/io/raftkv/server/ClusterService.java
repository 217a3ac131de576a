package io.raftkv.server;

import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.ClusterGrpc;
import io.raftkv.api.v1.LeaderTransferRequest;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberDemoteRequest;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberPromoteRequest;
import io.raftkv.api.v1.MemberRemoveRequest;

/** The membership API ({@code raftkv.v1.Cluster}, cluster.proto) of one server. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final ClusterRequests requests;
  private final FatalErrors fatal;

  ClusterService(ClusterRequests requests, FatalErrors fatal) {
    this.requests = requests;
    this.fatal = fatal;
  }

  @Override
  public void memberList(MemberListRequest req, StreamObserver<MemberListResponse> out) {
    KvService.reply(requests.list(req), out, fatal);
  }

  @Override
  public void memberAdd(MemberAddRequest req, StreamObserver<MemberChangeResponse> out) {
    KvService.reply(requests.add(req), out, fatal);
  }

  @Override
  public void memberPromote(MemberPromoteRequest req, StreamObserver<MemberChangeResponse> out) {
    KvService.reply(requests.promote(req), out, fatal);
  }

  @Override
  public void memberDemote(MemberDemoteRequest req, StreamObserver<MemberChangeResponse> out) {
    KvService.reply(requests.demote(req), out, fatal);
  }

  @Override
  public void memberRemove(MemberRemoveRequest req, StreamObserver<MemberChangeResponse> out) {
    KvService.reply(requests.remove(req), out, fatal);
  }

  @Override
  public void leaderTransfer(LeaderTransferRequest req,
      StreamObserver<LeaderTransferResponse> out) {
    KvService.reply(requests.transfer(req), out, fatal);
  }
}
