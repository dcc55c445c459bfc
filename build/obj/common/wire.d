build/obj/common/wire.o: common/wire.cpp common/wire.hpp
common/wire.hpp:
