#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HiGHS C API, bound at run time with `dlopen`/`dlsym`.
///
/// Loading at run time keeps the package buildable without HiGHS and turns a missing library into
/// a clear `SolverError.libraryNotFound` rather than a link failure. The binding passes 32-bit
/// `HighsInt`s (as in the `highspy` wheel build) and checks that width when it loads.
/// The instance is immutable after loading and shared by all solves.
final class HighsLibrary: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer
    typealias PassModel = @convention(c) (
        Handle?, Int32, Int32, Int32, Int32, Int32, Double,
        UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?,
        UnsafePointer<Double>?, UnsafePointer<Double>?,
        UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Double>?
    ) -> Int32
    typealias PassMip = @convention(c) (
        Handle?, Int32, Int32, Int32, Int32, Int32, Double,
        UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?,
        UnsafePointer<Double>?, UnsafePointer<Double>?,
        UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Double>?, UnsafePointer<Int32>?
    ) -> Int32

    /// HiGHS's `kHighsMaximumStringLength`: the longest name it writes, terminator included.
    static let maximumNameLength = 512

    /// Path the library was loaded from.
    let path: String
    let create: @convention(c) () -> Handle?
    let destroy: @convention(c) (Handle?) -> Void
    let passLp: PassModel
    let passMip: PassMip
    let setBoolOption: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32
    let setIntOption: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32
    let setDoubleOption: @convention(c) (Handle?, UnsafePointer<CChar>?, Double) -> Int32
    let setStringOption: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let run: @convention(c) (Handle?) -> Int32
    let getModelStatus: @convention(c) (Handle?) -> Int32
    let getObjectiveValue: @convention(c) (Handle?) -> Double
    let getDoubleInfo: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Double>?) -> Int32
    let getIntInfo: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    let getInt64Info: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafeMutablePointer<Int64>?) -> Int32
    let getSolution: @convention(c) (
        Handle?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?,
        UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?
    ) -> Int32
    let getRunTime: @convention(c) (Handle?) -> Double
    let setSolution: @convention(c) (
        Handle?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?
    ) -> Int32
    let writeModel: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let readModel: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let getNumCol: @convention(c) (Handle?) -> Int32
    let getNumRow: @convention(c) (Handle?) -> Int32
    let passColName: @convention(c) (Handle?, Int32, UnsafePointer<CChar>?) -> Int32
    let passRowName: @convention(c) (Handle?, Int32, UnsafePointer<CChar>?) -> Int32
    /// Writes column `col`'s name into a buffer of at least `maximumNameLength` bytes.
    let getColName: @convention(c) (Handle?, Int32, UnsafeMutablePointer<CChar>?) -> Int32
    private let versionFunction: @convention(c) () -> UnsafePointer<CChar>?

    /// The HiGHS version string, e.g. "1.15.1".
    var version: String { versionFunction().map { String(cString: $0) } ?? "unknown" }

    /// The process-wide library, loaded on first use by the search order of `HighsLibraryLocator`.
    static let shared: Result<HighsLibrary, SolverError> = {
        var tried: [String] = []
        for candidate in HighsLibraryLocator.candidates() {
            guard let handle = dlopen(candidate.path, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "not loadable"
                tried.append("\(candidate.origin) \(candidate.path): \(HighsLibrary.shorten(reason, path: candidate.path))")
                continue
            }
            do {
                return .success(try HighsLibrary(handle: handle, path: candidate.path))
            } catch let error as SolverError {
                return .failure(error)
            } catch {
                return .failure(.backendFailure("\(error)"))
            }
        }
        return .failure(.libraryNotFound(tried: tried))
    }()

    /// Loads the shared library or throws the reason it could not be loaded.
    static func load() throws -> HighsLibrary {
        try shared.get()
    }

    private init(handle: UnsafeMutableRawPointer, path: String) throws {
        func symbol<T>(_ name: String) throws -> T {
            guard let pointer = dlsym(handle, name) else { throw SolverError.missingSymbol(name, library: path) }
            return unsafeBitCast(pointer, to: T.self)
        }
        self.path = path
        create = try symbol("Highs_create")
        destroy = try symbol("Highs_destroy")
        passLp = try symbol("Highs_passLp")
        passMip = try symbol("Highs_passMip")
        setBoolOption = try symbol("Highs_setBoolOptionValue")
        setIntOption = try symbol("Highs_setIntOptionValue")
        setDoubleOption = try symbol("Highs_setDoubleOptionValue")
        setStringOption = try symbol("Highs_setStringOptionValue")
        run = try symbol("Highs_run")
        getModelStatus = try symbol("Highs_getModelStatus")
        getObjectiveValue = try symbol("Highs_getObjectiveValue")
        getDoubleInfo = try symbol("Highs_getDoubleInfoValue")
        getIntInfo = try symbol("Highs_getIntInfoValue")
        getInt64Info = try symbol("Highs_getInt64InfoValue")
        getSolution = try symbol("Highs_getSolution")
        getRunTime = try symbol("Highs_getRunTime")
        setSolution = try symbol("Highs_setSolution")
        writeModel = try symbol("Highs_writeModel")
        readModel = try symbol("Highs_readModel")
        getNumCol = try symbol("Highs_getNumCol")
        getNumRow = try symbol("Highs_getNumRow")
        passColName = try symbol("Highs_passColName")
        passRowName = try symbol("Highs_passRowName")
        getColName = try symbol("Highs_getColName")
        versionFunction = try symbol("Highs_version")
        let sizeofHighsInt: @convention(c) (Handle?) -> Int32 = try symbol("Highs_getSizeofHighsInt")
        let probe = create()
        defer { destroy(probe) }
        let width = sizeofHighsInt(probe)
        guard width == 4 else {
            throw SolverError.incompatibleLibrary("\(path) uses \(width)-byte HighsInt; GPUSched needs the 4-byte build (highspy==1.15.1)")
        }
    }

    /// dlerror() repeats the path; keep the part after it.
    private static func shorten(_ reason: String, path: String) -> String {
        guard let range = reason.range(of: path + ": ") else { return reason }
        return String(reason[range.upperBound...])
    }
}
