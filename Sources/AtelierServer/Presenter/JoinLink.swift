import AtelierLWS

/// The address participants open: what the banner prints and the presenter's link and QR code
/// show. Never the address the projector's browser used, which may be `localhost`.
public enum JoinLink {
    /// `publicURL` when the organiser gave one (`--public-url`), else this machine's address on
    /// the venue network: the listening host, else the first LAN address, else `localhost`.
    public static func base(publicURL: String?, host: String?, tls: Bool, port: Int) -> String {
        if let publicURL {
            var base = Substring(publicURL)
            while base.hasSuffix("/") { base.removeLast() }
            return String(base)
        }
        let listening = host.flatMap { ["0.0.0.0", "::"].contains($0) ? nil : $0 }
        return "\(tls ? "https" : "http")://\(listening ?? LANAddress.first() ?? "localhost"):\(port)"
    }

    /// The participant page of the session with `code`, from `base`.
    public static func participants(base: String, code: String) -> String { "\(base)/?code=\(code)" }
}
