"""What the client SDK and the server SDK share; it never imports either of them."""
