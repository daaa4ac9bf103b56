module braid.bench/httpserver

go 1.19
