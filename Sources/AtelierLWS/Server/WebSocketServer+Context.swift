import AtelierThreads
import CWebSockets
import Logging

/// Creating the lws context, its vhost and the libev loop it runs in, and destroying them (service
/// thread).
extension WebSocketServer {
    func setUp() throws {
        serviceThread.store(currentThreadKey(), ordering: .releasing)
        LibraryLog.install(logger, level: configuration.libraryLogLevel)

        if let webRoot = configuration.webRoot {
            guard let files = StaticFiles(webRoot: webRoot, routes: configuration.routes) else {
                shared.withLock { $0.phase = .finished }
                throw TransportError.webRootNotADirectory(webRoot)
            }
            staticFiles = files
        }

        scratchCapacity = lwsPre + max(configuration.outboundFragmentBytes, 16 * 1024)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 16)

        let list = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 3)
        list.initialize(repeating: lws_protocols(), count: 3)
        protocols = list
        // protocols[0] handles plain HTTP (and anything not bound elsewhere).
        list[0].name = strings.own("http")
        list[0].callback = serverCallback
        list[0].rx_buffer_size = 0
        list[1].name = strings.own(configuration.subprotocol)
        list[1].callback = serverCallback
        list[1].rx_buffer_size = configuration.rxBufferSize
        // Whole fragments go out in one send(); without this lws would cap each
        // send() at rx_buffer_size and buffer (copy) the remainder.
        list[1].tx_packet_size = configuration.outboundFragmentBytes
        // list[2] stays zeroed: the terminator.

        var options: UInt64 = UInt64(LWS_SERVER_OPTION_EXPLICIT_VHOSTS)
        if configuration.validateUTF8 { options |= UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8) }
        if configuration.tls != nil { options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) }

        guard let loop = atelier_ev_loop_new() else {
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.contextCreationFailed
        }
        eventLoop = loop
        var foreignLoops: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(loop)]
        var info = lws_context_creation_info()
        info.options = options | UInt64(LWS_SERVER_OPTION_LIBEV)
        info.port = CONTEXT_PORT_NO_LISTEN
        info.user = Unmanaged.passRetained(self).toOpaque()  // released in tearDown
        let created = foreignLoops.withUnsafeMutableBufferPointer { loops in
            info.foreign_loops = loops.baseAddress
            return lws_create_context(&info)
        }
        guard let context = created else {
            Unmanaged.passUnretained(self).release()
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.contextCreationFailed
        }
        self.context = context

        var vhostInfo = lws_context_creation_info()
        vhostInfo.options = options | UInt64(LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND)
        vhostInfo.port = Int32(configuration.port)
        vhostInfo.protocols = UnsafePointer(list)
        vhostInfo.vhost_name = strings.own("atelier")
        if let host = configuration.host, !host.isEmpty {
            vhostInfo.iface = strings.own(host)
            if host.contains(".") && !host.contains(":") {
                vhostInfo.options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6)
            }
        }
        if let tls = configuration.tls {
            vhostInfo.ssl_cert_filepath = strings.own(tls.certificatePath)
            vhostInfo.ssl_private_key_filepath = strings.own(tls.privateKeyPath)
            // HTTP/1.1 only: websocket upgrades and our header writing stay on h1.
            vhostInfo.alpn = strings.own("http/1.1")
            vhostInfo.ssl_cipher_list = strings.own(ServerConfiguration.tls12CipherList)
            vhostInfo.ssl_options_set = atelier_ssl_options_no_tls_before_1_2()
        }
        guard let vhost = lws_create_vhost(context, &vhostInfo) else {
            lws_context_destroy(context)
            self.context = nil
            Unmanaged.passUnretained(self).release()
            releaseSetUpResources()
            shared.withLock { $0.phase = .finished }
            throw TransportError.listenFailed(host: configuration.host ?? "*", port: configuration.port)
        }
        let port = Int(lws_get_vhost_listen_port(vhost))
        shared.withLock { state in
            state.port = port
            state.context = WakeHandle(context: context)
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        logger.info("atelier transport listening on \(scheme)://\(configuration.host ?? "*"):\(port) (websocket \(configuration.webSocketPath), subprotocol \(configuration.subprotocol))")
    }

    func tearDown() {
        shared.withLock { state in
            state.context = nil
            state.phase = .finished
            state.inbox.removeAll()
        }
        tearingDown = true
        // Before the context goes: its destruction still calls back, and no timer may fire then.
        timers.removeAll()
        if let context {
            lws_context_destroy(context)  // may still call back (CLOSED...)
        }
        context = nil
        for connection in connections.values {
            // lws did not report CLOSED for it: drop the reference it held.
            Unmanaged.passUnretained(connection).release()
        }
        connections.removeAll()
        waitingWrite.removeAll()
        pendingHTTP.removeAll()
        releaseSetUpResources()
        delegate = nil
        logger.debug("atelier transport stopped")
        Unmanaged.passUnretained(self).release()  // the context's user pointer
    }

    func releaseSetUpResources() {
        if let protocols {
            protocols.deinitialize(count: 3)
            protocols.deallocate()
        }
        protocols = nil
        strings.freeAll()
        scratch?.deallocate()
        scratch = nil
        if let eventLoop { ev_loop_destroy(eventLoop) }
        eventLoop = nil
    }
}
