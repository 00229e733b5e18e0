"""A TCP proxy the fault harness puts between the server instances and the broker, so it can cut
the network between them: cut() closes every proxied connection and refuses new ones (accepted,
then closed at once: what a peer sees when a route goes down and comes back) until heal()."""
import socket
import threading

from .stack import free_port


class NetCut:
    def __init__(self, target_port):
        self.target_port, self.port = target_port, free_port()
        self.cut_off = False
        self.lock = threading.Lock()
        self.conns = []
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.cut_off = True
        with self.lock:
            conns, self.conns = self.conns, []
        for pair in conns:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def heal(self):
        self.cut_off = False

    def close(self):
        self.cut()
        self.listener.close()
