/// What a program wprescue starts (PHP's linter, a ProxyCommand) sees of the environment: the
/// user's, without the passwords given to wprescue itself.
public enum ChildEnvironment {
    public static let secretNames: Set<String> = ["WPRESCUE_SSH_PASSWORD", "WPRESCUE_DB_PASSWORD"]

    public static func withoutSecrets(_ environment: [String: String]) -> [String: String] {
        environment.filter { !secretNames.contains($0.key) }
    }
}
