// Merging the views that the daemons of a multi-node group have of it into
// the one answer of `ccsctl describe group`: who is missing from which
// collective, across every node.
//
// Each daemon knows its own ranks (session, pid, progress) and the ops its
// ranks arrived at; the asking daemon starts from its own view (ToProto with
// the group's nodes, only itself answered), adds each other node's answer
// (PeerService.DescribeGroup) or the reason it has none, and completes it.
#pragma once

#include <string>

#include "ccs/v1/inspection.pb.h"

namespace ccs::server {

// Adds node `node`'s own view of the group to `merged`: the members that
// node serves replace their remote placeholders and its collectives' arrived
// ranks join those of the same sequence number. A view of another epoch is
// not merged: the node is marked unanswered, naming both epochs.
void AddNodeAnswer(const v1::DescribeGroupResponse& answer, v1::GroupNode& node,
                   v1::DescribeGroupResponse& merged);

// Node `node` could not be asked or did not answer: `error` says why.
void AddNodeError(const std::string& error, v1::GroupNode& node);

// After every node was added: each collective's missing ranks become the
// ranks that no answering node reported arrived (unknown_ranks: those of
// nodes that did not answer); a cross-node send or recv whose other side's
// node answered becomes one entry with both sides arrived (the other side
// posted its half) or the other side missing; ops are ordered by sequence
// number (channels last); and the summary's joined, completed_seq and
// in_flight_ops are recounted from the merged members and ops.
void CompleteMerge(v1::DescribeGroupResponse& merged);

}  // namespace ccs::server
