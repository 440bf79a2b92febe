"""The account part of the REST API: register, get a token, read, change and delete yourself."""

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.forms import SignUpForm, client_ip
from accounts.models import Player, Strategy, User
from cloudscendo.api_errors import error_responses


class AuthRateThrottle(SimpleRateThrottle):
    """Per client address, API_AUTH_RATE (read at each request, so tests and settings can change it)."""

    scope = "api-auth"

    def get_rate(self) -> str:
        return settings.API_AUTH_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "email", "strategy", "player", "keep_images")
        read_only_fields = ("id", "username", "email")


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate(self, attrs: dict) -> dict:
        # The sign-up form's rules (unique name, password validators) apply to the API as well.
        form = SignUpForm(data={"username": attrs["username"], "email": attrs["email"],
                                "password1": attrs["password"], "password2": attrs["password"]})
        if not form.is_valid():
            errors = {("password" if name.startswith("password") else name): messages
                      for name, messages in form.errors.items()}
            raise serializers.ValidationError(errors)
        attrs["form"] = form
        return attrs


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class _AnonymousView(APIView):
    """For visitors without an account or a token yet: throttled per address."""

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (AuthRateThrottle,)


class RegisterView(_AnonymousView):
    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer, **error_responses(400, 415, 429)},
                   summary="Create an account", tags=["auth"])
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_sign_up(form=serializer.validated_data["form"])
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(_AnonymousView):
    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, **error_responses(400, 415, 429)},
                   summary="Exchange a username and password for an API token", tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        try:
            user = services.login_throttled(username=username, ip=client_ip(request),
                                            check=lambda: authenticate(request, username=username, password=password))
        except services.LoginLocked:
            raise Throttled(wait=settings.LOGIN_LOCKOUT_SECONDS, detail="Too many failed log-ins.") from None
        if user is None:
            raise serializers.ValidationError({"password": ["The username or the password is wrong."]})
        return Response({"token": services.user_api_token(user=user)})


class JSONBooleanField(serializers.BooleanField):
    """true or false only: DRF's own also takes 0, 1, "yes", "on"..., which a JSON boolean is not."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class ProfileUpdateSerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False)
    keep_images = JSONBooleanField(required=False)
    player = serializers.ChoiceField(choices=Player.choices, required=False)


class MeView(APIView):
    parser_classes = (JSONParser,)  # a JSON body, so keep_images is a real boolean
    @extend_schema(responses={200: UserSerializer, **error_responses(401)}, summary="Your profile", tags=["me"])
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileUpdateSerializer,
                   responses={200: UserSerializer, **error_responses(400, 401, 403, 415)},
                   summary="Change your strategy, preferred player or whether photos are kept", tags=["me"])
    def patch(self, request):
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = {"strategy": request.user.strategy, "keep_images": request.user.keep_images,
                   "player": request.user.player,
                   **serializer.validated_data}
        user = services.user_profile_update(user=request.user, **changes)
        return Response(UserSerializer(user).data)

    @extend_schema(responses={204: None, **error_responses(401, 403)},
                   summary="Delete your account, your history and your photos", tags=["me"])
    def delete(self, request):
        services.user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
