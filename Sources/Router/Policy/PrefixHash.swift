/// The prefix key of a prompt: FNV-1a (64-bit) over the first `prefixBytes` bytes of its UTF-8
/// text, finished with MurmurHash3's 64-bit mixer so that keys differing in a late byte still land
/// far apart on the ring. The same on every run, machine and router replica (unlike Swift's
/// `Hasher`, which is seeded per process), so replicas behind one Service send a prefix to the
/// same backend without sharing state.
///
/// ```swift
/// let key = PrefixHash.of("You are a helpful assistant. ...", prefixBytes: 256)
/// ```
public enum PrefixHash {
    /// The key of `text`'s first `prefixBytes` bytes (all of it when shorter).
    public static func of(_ text: String, prefixBytes: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8.prefix(max(0, prefixBytes)) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return mix(hash)
    }

    /// MurmurHash3's fmix64.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z ^= z >> 33
        z = z &* 0xFF51_AFD7_ED55_8CCD
        z ^= z >> 33
        z = z &* 0xC4CE_B9FE_1A85_EC53
        z ^= z >> 33
        return z
    }
}
