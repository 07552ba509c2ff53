/**
 * A set of strings kept as UTF-8 bytes in one buffer, indexed by an open-addressing table of offsets: about 4 bytes
 * plus the string's length a member instead of the ~80 a `Set<string>` takes (its string, the string's parts and the
 * set's table), and none of it on V8's heap. A long-running collection that gains a member per record (a sync run's
 * records written) would otherwise grow the heap with the run and, every member being young when added, be copied
 * through young-generation collections and promoted, which is what grows V8's young generation.
 */
export class PackedStringSet {
	/** Each member: its byte length (4 bytes), then its bytes. */
	private bytes = Buffer.allocUnsafe(1 << 12);
	private used = 0;
	/** Offset + 1 of the member in each slot, 0 when empty; a power of two in size, at most half full. */
	private slots = new Uint32Array(1 << 8);
	private count = 0;
	/**
	 * Strings with a lone surrogate, which UTF-8 cannot hold (each becomes U+FFFD, so two such strings would meet):
	 * kept as they are; none of them equals a well-formed string.
	 */
	private readonly malformed = new Set<string>();

	get size(): number {
		return this.count + this.malformed.size;
	}

	/** Adds `value`; true when it was not a member yet. */
	add(value: string): boolean {
		if (!isWellFormed(value)) {
			const before = this.malformed.size;
			return this.malformed.add(value).size > before;
		}
		const length = Buffer.byteLength(value);
		this.reserve(4 + length);
		// Written where it would be kept: compared and hashed there, and kept by moving `used` past it.
		const start = this.used + 4;
		this.bytes.write(value, start, 'utf8');
		const hash = hashOf(this.bytes, start, start + length);
		const mask = this.slots.length - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const held = this.slots[slot];
			if (held === 0) {
				this.bytes.writeUInt32LE(length, this.used);
				this.slots[slot] = this.used + 1;
				this.used = start + length;
				if (++this.count * 2 > this.slots.length) this.rehash();
				return true;
			}
			if (this.equals(held - 1, start, length)) return false;
		}
	}

	/** Compared byte by byte: Buffer#compare's argument checks allocated ~130 bytes a call, on every record added. */
	private equals(offset: number, start: number, length: number): boolean {
		const bytes = this.bytes;
		if (bytes.readUInt32LE(offset) !== length) return false;
		for (let index = 0; index < length; index++) if (bytes[offset + 4 + index] !== bytes[start + index]) return false;
		return true;
	}

	private reserve(bytes: number): void {
		if (this.used + bytes <= this.bytes.length) return;
		let size = this.bytes.length * 2;
		while (size < this.used + bytes) size *= 2;
		const grown = Buffer.allocUnsafe(size);
		this.bytes.copy(grown, 0, 0, this.used);
		this.bytes = grown;
	}

	private rehash(): void {
		const slots = new Uint32Array(this.slots.length * 2);
		const mask = slots.length - 1;
		// Indexed, not for…of: a rare call runs unoptimised, where each step of a typed array's iterator allocates.
		for (let index = 0; index < this.slots.length; index++) {
			const held = this.slots[index];
			if (held === 0) continue;
			const start = held - 1 + 4;
			let slot = hashOf(this.bytes, start, start + this.bytes.readUInt32LE(held - 1)) & mask;
			while (slots[slot] !== 0) slot = (slot + 1) & mask;
			slots[slot] = held;
		}
		this.slots = slots;
	}
}

/** No lone surrogate (String.prototype.isWellFormed, ES2024, is past this package's ES2022 library types). */
function isWellFormed(value: string): boolean {
	return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** FNV-1a over a range of bytes. */
function hashOf(bytes: Buffer, start: number, end: number): number {
	let hash = 0x811c9dc5;
	for (let index = start; index < end; index++) hash = Math.imul(hash ^ bytes[index], 0x01000193);
	return hash >>> 0;
}
