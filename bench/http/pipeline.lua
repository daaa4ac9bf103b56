-- wrk script: each write carries 16 pipelined requests for the URL's path (wrk -s pipeline.lua).
init = function(args)
  local r = {}
  for i = 1, 16 do
    r[i] = wrk.format(nil, nil)
  end
  req = table.concat(r)
end

request = function()
  return req
end
