import LetsworkReview

extension TemporaryRepository {
    /// Proposes `content` for `path` as guest `name` through the review engine, the way a
    /// guest's session does, and returns the change id.
    public func propose(_ path: String, _ content: String, by name: String) throws -> String {
        let store = try ChangeStore.open(containing: self.path)
        let proposer = Person(id: "guest-\(name)", name: name)
        return try store.submit([.write(try RepoPath(path), content: Array(content.utf8))], by: proposer).changeID
    }
}
