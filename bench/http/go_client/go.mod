module braid/bench/http/go_client

go 1.19
