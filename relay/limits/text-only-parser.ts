/**
 * The socket.io parser with binary refused. The protocol sends only JSON, but socket.io's own
 * decoder accepts a binary event's header (`5<n>-[...placeholders]`) and then keeps every
 * attachment that follows until the last one arrives, with no deadline: nine 16 KiB attachments
 * of a ten-attachment packet held ~174 KB per connection for as long as it stayed up (measured:
 * 600 such connections added ~100 MB). Here a binary packet or a binary frame is a protocol
 * violation: the decoder throws, and socket.io closes that connection (Client.ondata -> onerror).
 */
import { Decoder, Encoder, PacketType } from 'socket.io-parser';

export class BinaryRefused extends Error {
  constructor() {
    super('binary packets are not part of the Lockstep protocol');
  }
}

/**
 * One instance, thrown every time: socket.io only reads it to close the connection, and capturing a
 * fresh stack per refused frame was ~20 µs each (200 parked-binary connections in the chaos suite
 * threw thousands within a second).
 */
const REFUSED = new BinaryRefused();

class TextOnlyDecoder extends Decoder {
  override add(obj: unknown): void {
    if (typeof obj !== 'string') throw REFUSED;
    const type = Number(obj.charAt(0));
    if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) throw REFUSED;
    super.add(obj);
  }
}

/** For socket.io's `parser` option; the encoder is the stock one (the relay never sends binary either). */
export const textOnlyParser = { Encoder, Decoder: TextOnlyDecoder };
