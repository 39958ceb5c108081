/// Errors thrown when starting the transport.
public enum TransportError: Error, Sendable, Equatable {
    case alreadyStarted
    case threadCreationFailed(code: Int)
    case contextCreationFailed
    case listenFailed(host: String, port: Int)
    case webRootNotADirectory(String)
}
