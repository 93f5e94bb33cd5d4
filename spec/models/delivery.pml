/*
 * Delivery, acknowledgement and receipts: spec §7.3 and §10.1, explained in §10.3.
 * Checked by scripts/check-model.sh (ctest: model.delivery.*).
 *
 * One sender device sends N messages to an account with D = 2 devices. The server commits each
 * send once (the idempotency key is the message), answers it with a server_ack (one tick), queues
 * a copy in each device's mailbox and deletes a copy only on that device's device_ack. Devices
 * store a message once, ack every copy and send receipts (delivered, then read or played) to the
 * sender, whose status per message is protocol/receipts ChatTicks: the maximum of what it heard.
 *
 * The names are the spec's and the code's. Status: pending, sent, delivered, read, played (the
 * numbers of receipts::Status). Transitions: send (the sender (re)transmits a message the server
 * has not acked, same key), deliver (the server pushes a queued copy: first push, or again after a
 * reconnect), device_ack, server_ack, receipt_delivered / receipt_read / receipt_played (arriving
 * at the sender), and the recipient's own read and play. The sender's part is the table of §10.3,
 * which protocol/tests/ticks_table_test.cpp walks through the C++ ChatTicks.
 *
 * Abstractions (why the search stays small):
 * - A wire is the SET of messages in flight on it, one bit each. Taking any element is reordering;
 *   delivering and keeping it is duplication; removing it undelivered is loss. A copy already in
 *   flight is not sent twice (it is the same bits), and a session that closes mid-delivery is a
 *   lost copy that the server pushes again.
 * - One process per wire (and per device's mailbox), so weak fairness (pan -f) means: a wire
 *   with something in flight is eventually served. Fair loss is "finitely many losses": with MAX_LOSS / MAX_DUP defined (the
 *   liveness run) the network loses and duplicates at most that many times, and retransmission
 *   does the rest; without them (the safety runs) it may lose and duplicate anything, forever.
 * - Receipts travel as end-to-end messages through the server (§10.1), so what this model proves
 *   for messages holds for them: their wire reorders and duplicates but does not lose, and one
 *   wire carries the receipts of both devices (the sender counts any device of the recipient).
 *   A stale receipt overtaken by a higher one is exactly what the max must absorb.
 *   "read up to n" is modelled per message.
 * - Read receipts are on (turning them off only caps what the sender shows; the table covers it).
 *
 * Switches, each making a property fail (the test insists that they do):
 *   BROKEN_DELETE_BEFORE_ACK  the server deletes a copy when it pushes it, not on the device's ack
 *   BROKEN_ASSIGN_STATUS      the sender assigns the status a receipt or ack carries, not the max
 *   BROKEN_NO_RESEND          the sender sends once and never again (liveness fails: one loss
 *                             and the message never arrives), which shows the liveness check bites
 */

/* Messages. One is enough for these properties: every step for a message reads and writes only
 * that message's bits (the choice of which message goes next is the only link between them), and
 * every property is per message. -DN=2 is accepted but its state space is far too large to search
 * exhaustively here (not finished in 30 s where N = 1 takes 0.3 s). */
#ifndef N
#define N 1
#endif
#define D 2                      /* devices of the recipient account */
#define ALL ((1 << N) - 1)
#define bit(k) (1 << (k))

/* receipts::Status */
#define pending 0
#define sent 1
#define delivered 2
#define read 3
#define played 4

/* A receipt (message m, level l) is one bit; LEVEL(l) is every message's bit of level l. */
#define rbit(m, l) bit((m) * 3 + (l) - delivered)
#define LEVEL(l) (rbit(0, l) | rbit(N - 1, l))

/* The wires. */
#define W_SEND 0                 /* sender -> server: send */
#define W_SERVER_ACK 1           /* server -> sender: server_ack */
#define W_DELIVER 2              /* server -> device d: deliver (2 + d) */
#define W_DEVICE_ACK 4           /* device d -> server: device_ack (4 + d) */
#define W_RECEIPT 6              /* devices -> sender: receipts, bits rbit(m, l) */
#define WIRES 7

byte wire[WIRES];                /* what is in flight on each wire */

byte status[N];                  /* the sender device: ChatTicks status per message */
byte unacked = ALL;              /* the sender: messages still pending, so (re)sent */

byte committed;                  /* server: sends committed (durably stored, deduplicated) */
byte queue[D];                   /* server: each device's mailbox */

byte stored[D];                  /* device d: messages it stored */
byte receipt[D];                 /* device d: one bit per stored message, its current level */

#ifdef MAX_LOSS
byte losses;
#define may_lose (losses < MAX_LOSS)
#define count_loss losses++
#else
#define may_lose true
#define count_loss skip
#endif
#ifdef MAX_DUP
byte dups;
#define may_dup (dups < MAX_DUP)
#define count_dup dups++
#else
#define may_dup true
#define count_dup skip
#endif

/* Property 1: a committed message is, for each device, in its mailbox or already stored by it. */
#define kept(d) ((committed & ~(queue[d] | stored[d])) == 0)
/* Property 3: read (blue) implies delivered: some device stored it. */
#define blue_ok(m) (status[m] < read || ((stored[0] | stored[1]) & bit(m)))
/* Property 4's goal: every message stored by both devices, and two ticks at the sender. */
#define all_delivered (stored[0] == ALL && stored[1] == ALL && status[0] >= delivered && status[N - 1] >= delivered)

ltl no_acked_message_lost { [] (kept(0) && kept(1)) }
ltl read_implies_delivered { [] (blue_ok(0) && blue_ok(N - 1)) }
ltl eventually_delivered { <> all_delivered }

/* Any element of a non-empty set: the order the network hands things over in is arbitrary. */
inline pick(set, k) {
  k = 0;
  do
  :: (set & bit(k)) -> break
  :: ((set) >> (k + 1)) != 0 -> k++
  od
}

/* The sender merges an ack or a receipt: the status only rises (§10.1, table of §10.3). */
inline tick(m, l) {
#ifdef BROKEN_ASSIGN_STATUS
  next = l;
#else
  next = (status[m] > l -> status[m] : l);
#endif
  assert(next >= status[m]);     /* property 2: ticks never go backwards */
  status[m] = next;
  unacked = unacked & ~(status[m] != pending -> bit(m) : 0);
  next = 0
}

/* A message arrives at the end of wire w. */
inline arrive(w, k) {
  if
  :: w == W_SEND ->              /* the server commits a send once, and acks every copy */
    if
    :: !(committed & bit(k)) -> committed = committed | bit(k); queue[0] = queue[0] | bit(k); queue[1] = queue[1] | bit(k)
    :: else
    fi;
    wire[W_SERVER_ACK] = wire[W_SERVER_ACK] | bit(k)
  :: w == W_SERVER_ACK -> tick(k, sent)
  :: w >= W_DELIVER && w < W_DEVICE_ACK ->  /* a device stores once, and acks every copy */
    if
    :: !(stored[w - W_DELIVER] & bit(k)) ->
      stored[w - W_DELIVER] = stored[w - W_DELIVER] | bit(k);
      receipt[w - W_DELIVER] = receipt[w - W_DELIVER] | rbit(k, delivered);
      wire[W_RECEIPT] = wire[W_RECEIPT] | rbit(k, delivered)
    :: else
    fi;
    wire[w - W_DELIVER + W_DEVICE_ACK] = wire[w - W_DELIVER + W_DEVICE_ACK] | bit(k)
  :: w >= W_DEVICE_ACK && w < W_RECEIPT ->  /* only now the server deletes the device's copy */
    queue[w - W_DEVICE_ACK] = queue[w - W_DEVICE_ACK] & ~bit(k)
  :: w == W_RECEIPT -> tick(k / 3, k % 3 + delivered)   /* receipt_delivered, _read, _played */
  fi
}

/* The network on one wire: delivers, duplicates or loses any message in flight. */
proctype link(byte w) {
  byte k, next;
end:
  do
  :: atomic {
       wire[w] != 0 ->
       pick(wire[w], k);
       if
       :: wire[w] = wire[w] & ~bit(k); arrive(w, k)
       :: may_dup -> count_dup; arrive(w, k)
       :: w != W_RECEIPT && may_lose -> count_loss; wire[w] = wire[w] & ~bit(k)
       fi;
       k = 0
     }
  od
}

/* send: a message the server has not acked goes (again, same key) unless a copy is in flight. */
#ifdef BROKEN_NO_RESEND
byte tried;                      /* messages the broken sender sent once */
#define may_send (unacked & ~wire[W_SEND] & ~tried)
#define count_send tried = tried | bit(k)
#else
#define may_send (unacked & ~wire[W_SEND])
#define count_send skip
#endif

proctype sender() {
  byte k;
end:
  do
  :: atomic { may_send != 0 -> pick(may_send, k); wire[W_SEND] = wire[W_SEND] | bit(k); count_send; k = 0 }
  od
}

/* deliver: the server pushes a queued copy that is not in flight (again after a lost one). */
proctype server_push(byte d) {
  byte k;
end:
  do
  :: atomic {
       (queue[d] & ~wire[W_DELIVER + d]) != 0 ->
       pick(queue[d] & ~wire[W_DELIVER + d], k);
       wire[W_DELIVER + d] = wire[W_DELIVER + d] | bit(k);
#ifdef BROKEN_DELETE_BEFORE_ACK
       queue[d] = queue[d] & ~bit(k);
#endif
       k = 0
     }
  od
}

/* The recipient on device d reads or plays a stored message; its device sends that receipt. */
proctype device(byte d) {
  byte k;
end:
  do
  :: atomic {                     /* read: delivered -> read */
       (receipt[d] & LEVEL(delivered)) != 0 -> pick(receipt[d] & LEVEL(delivered), k);
       receipt[d] = (receipt[d] & ~bit(k)) | bit(k + 1);
       wire[W_RECEIPT] = wire[W_RECEIPT] | bit(k + 1); k = 0
     }
  :: atomic {                     /* play (a voice note): delivered or read -> played */
       (receipt[d] & (LEVEL(delivered) | LEVEL(read))) != 0 -> pick(receipt[d] & (LEVEL(delivered) | LEVEL(read)), k);
       receipt[d] = (receipt[d] & ~bit(k)) | rbit(k / 3, played);
       wire[W_RECEIPT] = wire[W_RECEIPT] | rbit(k / 3, played); k = 0
     }
  od
}

init {
  atomic {
    byte w;
    run sender();
    run server_push(0); run server_push(1);
    run device(0); run device(1);
    for (w : 0 .. WIRES - 1) { run link(w) }
    w = 0
  }
}
