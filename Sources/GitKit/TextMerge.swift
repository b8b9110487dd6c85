import CGit2

/// A three-way merge of one file's contents, done by libgit2 (`git_merge_file`).
public enum TextMerge {
    /// The merged bytes; when `isClean` is false they contain conflict markers.
    public struct Result: Sendable, Equatable {
        public let isClean: Bool
        public let content: [UInt8]
    }

    /// Merges `ours` and `theirs`, both descended from `ancestor` (nil: the file did not exist).
    /// - Throws: ``GitError`` when libgit2 cannot merge (for example, out of memory).
    public static func merge(ancestor: [UInt8]?, ours: [UInt8], theirs: [UInt8], path: String,
                             ourLabel: String, theirLabel: String) throws -> Result {
        _ = libgit2Initialized
        var options = git_merge_file_options()
        git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION))
        var result = git_merge_file_result()
        defer { git_merge_file_result_free(&result) }
        try withInput(ancestor ?? [], path) { ancestorInput in
            try withInput(ours, path) { oursInput in
                try withInput(theirs, path) { theirsInput in
                    try ourLabel.withCString { ourLabelC in
                        try theirLabel.withCString { theirLabelC in
                            options.our_label = ourLabelC
                            options.their_label = theirLabelC
                            options.ancestor_label = nil
                            try git("merge \(path)") {
                                git_merge_file(&result, ancestorInput, oursInput, theirsInput, &options)
                            }
                        }
                    }
                }
            }
        }
        let merged = result.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: result.len)) } ?? []
        return Result(isClean: result.automergeable != 0, content: merged)
    }

    private static func withInput<T>(_ bytes: [UInt8], _ path: String,
                                     _ body: (UnsafePointer<git_merge_file_input>) throws -> T) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            try path.withCString { cPath in
                var input = git_merge_file_input()
                git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { input.ptr = $0 }
                input.size = buffer.count
                input.path = cPath
                input.mode = TreeEntry.regularMode
                return try body(&input)
            }
        }
    }
}
