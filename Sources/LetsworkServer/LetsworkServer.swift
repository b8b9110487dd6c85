// The server layer is being built; see the issue "letswork start: the host's MCP server".
enum LetsworkServerLayer {}
